/// The protobuf JSON mapping of any generated message, driven by its protoc-c descriptor (no
/// per-message code), with the options of `google.protobuf.json_format.MessageToDict` as the
/// official CLI calls it: lowerCamelCase names, enum values by name (a number the enum does not
/// define as the number), 64-bit integers as strings, bytes in base64,
/// `google.protobuf.Timestamp` in RFC 3339, fields at their default (absent on the wire)
/// omitted, unknown fields dropped.
public enum ProtoJSONEncoder {
  /// `message` as a JSON object.
  public static func value<M: ProtoMessage>(_ message: M) throws -> ProtoJSONValue {
    let bytes = try message.serializedBytes()
    let table = ProtoTables.table(named: M.protoMessageName)
    return try bytes.withUnsafeBytes { try value(of: $0, table: table) }
  }

  /// The JSON name protoc gives a field: each `_` dropped and the letter after it upper-cased.
  public static func jsonName(_ protoName: String) -> String {
    var out = ""
    var upperNext = false
    for c in protoName {
      if c == "_" {
        upperNext = true
      } else if upperNext {
        out += c.uppercased()
        upperNext = false
      } else {
        out.append(c)
      }
    }
    return out
  }

  static func value(of bytes: UnsafeRawBufferPointer, table: ProtoTypeTable) throws -> ProtoJSONValue {
    if table.name == "google.protobuf.Timestamp" { return try timestamp(bytes, table: table) }
    var values = [[ProtoJSONValue]](repeating: [], count: table.fields.count)
    var p = 0
    while p < bytes.count {
      let span: ProtoWire.FieldSpan
      do { span = try ProtoWire.nextField(bytes, &p) } catch { throw ProtoJSONError(table.name, error.reason) }
      guard let slot = table.slot(span.number) else { continue }  // unknown: dropped, like MessageToDict
      let field = table.fields[slot]
      var start = span.valueRange.lowerBound
      if span.wireType == 2 {  // the value range starts at the length prefix
        do { _ = try ProtoWire.readVarint(bytes, &start) } catch { throw ProtoJSONError(table.name, error.reason) }
      }
      let body = UnsafeRawBufferPointer(rebasing: bytes[start..<span.valueRange.upperBound])
      if span.wireType == 2 && field.isRepeated && isPackable(field.kind) {
        var q = 0
        while q < body.count { values[slot].append(try scalar(body, &q, table: table, slot: slot)) }
      } else {
        var q = 0
        let decoded = try element(body, &q, wireType: span.wireType, table: table, slot: slot)
        if field.isRepeated { values[slot].append(decoded) } else { values[slot] = [decoded] }
      }
    }
    var members: [ProtoJSONField] = []
    for (slot, field) in table.fields.enumerated() where !values[slot].isEmpty {
      let name = jsonName(table.fieldNames[slot])
      members.append(ProtoJSONField(name, field.isRepeated ? .array(values[slot]) : values[slot][0]))
    }
    return .object(members)
  }

  private static func isPackable(_ kind: ProtoFieldKind) -> Bool {
    switch kind {
    case .string, .bytes, .message, .unsupported: false
    default: true
    }
  }

  /// One value of wire type 2 (string, bytes, message) or a scalar.
  private static func element(
    _ body: UnsafeRawBufferPointer, _ q: inout Int, wireType: Int, table: ProtoTypeTable, slot: Int
  ) throws -> ProtoJSONValue {
    switch table.fields[slot].kind {
    case .string:
      return .string(String(decoding: body, as: UTF8.self))
    case .bytes:
      return .string(base64(body))
    case .message:
      guard let child = table.child(slot) else {
        throw ProtoJSONError(table.name, "no table for field \(table.fieldNames[slot])")
      }
      return try value(of: body, table: child)
    default:
      return try scalar(body, &q, table: table, slot: slot)
    }
  }

  /// One numeric, boolean or enum value starting at `q` (a varint, 4 or 8 bytes by kind).
  private static func scalar(
    _ b: UnsafeRawBufferPointer, _ q: inout Int, table: ProtoTypeTable, slot: Int
  ) throws -> ProtoJSONValue {
    func varint() throws -> UInt64 {
      do { return try ProtoWire.readVarint(b, &q) } catch { throw ProtoJSONError(table.name, error.reason) }
    }
    func fixed(_ size: Int) throws -> UInt64 {
      guard q + size <= b.count else { throw ProtoJSONError(table.name, "truncated \(table.fieldNames[slot])") }
      var v: UInt64 = 0
      for i in (0..<size).reversed() { v = v << 8 | UInt64(b[q + i]) }
      q += size
      return v
    }
    switch table.fields[slot].kind {
    case .int32: return .number(String(Int32(truncatingIfNeeded: try varint())))
    case .uint32: return .number(String(UInt32(truncatingIfNeeded: try varint())))
    case .sint32: return .number(String(zigzag(try varint()) as Int64))
    case .int64: return .string(String(Int64(bitPattern: try varint())))
    case .uint64: return .string(String(try varint()))
    case .sint64: return .string(String(zigzag(try varint())))
    case .bool: return .bool(try varint() != 0)
    case .enum:
      let number = Int32(truncatingIfNeeded: try varint())
      return table.enumValueNames[slot][number].map(ProtoJSONValue.string) ?? .number(String(number))
    case .fixed32: return .number(String(UInt32(try fixed(4))))
    case .sfixed32: return .number(String(Int32(bitPattern: UInt32(try fixed(4)))))
    case .float:
      let f = Float(bitPattern: UInt32(try fixed(4)))
      return float(Double(f), text: "\(f)")  // the shortest text that reads back as this Float
    case .fixed64: return .string(String(try fixed(8)))
    case .sfixed64: return .string(String(Int64(bitPattern: try fixed(8))))
    case .double:
      let d = Double(bitPattern: try fixed(8))
      return float(d, text: "\(d)")
    case .string, .bytes, .message, .unsupported:
      throw ProtoJSONError(table.name, "field \(table.fieldNames[slot]) is not a scalar")
    }
  }

  private static func zigzag(_ v: UInt64) -> Int64 { Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1) }

  /// A finite number as a JSON number; NaN and infinities as the mapping's strings.
  private static func float(_ value: Double, text: String) -> ProtoJSONValue {
    if value.isNaN { return .string("NaN") }
    if value.isInfinite { return .string(value < 0 ? "-Infinity" : "Infinity") }
    return .number(text)
  }
}

/// Bytes that cannot be mapped to JSON (malformed wire data), naming the message type.
public struct ProtoJSONError: Error, CustomStringConvertible {
  public var description: String
  init(_ typeName: String, _ reason: String) { description = "cannot map \(typeName) to JSON: \(reason)" }
}
