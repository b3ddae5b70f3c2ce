/// The pre-scan run before protobuf-c unpacks a message.
///
/// protobuf-c hands strings back NUL-terminated, so `"a\0b"` would come out as `"a"` and
/// invalid UTF-8 would pass unnoticed. The scan walks the wire format guided by the type tables,
/// recursing into sub-messages, and rejects any string field holding a NUL byte or invalid UTF-8,
/// as well as malformed framing (truncated varints, lengths past the end, bad wire types).
///
/// On the way it counts the field values protobuf-c would materialize (``ProtoDecodeLimits``),
/// and notes whether a singular sub-message occurs more than once in a message, which protobuf-c
/// merges only in part (``mergingDuplicateMessages(_:_:)`` does it first).
extension ProtoWire {
  static let maxDepth = 100

  struct ScanError: Error {
    var reason: String
    /// The message is well formed but carries more values than ``ProtoDecodeLimits`` allows.
    var limitExceeded = false
  }

  /// What a scan found besides errors.
  struct ScanState {
    /// Field values seen so far: every field occurrence at every level, and every element of a
    /// packed repeated field.
    var fieldValues = 0
    let maxFieldValues: Int
    /// A singular message field occurs twice in one message (or, for messages of more than 64
    /// fields, two such fields whose slots are 64 apart occur: a harmless false alarm).
    var hasDuplicateMessages = false

    init(maxFieldValues: Int) {
      self.maxFieldValues = maxFieldValues
    }
  }

  static func scan(
    _ bytes: UnsafeRawBufferPointer, _ table: ProtoTypeTable, _ state: inout ScanState, depth: Int = 0
  ) throws(ScanError) {
    guard depth <= maxDepth else { throw ScanError(reason: "messages nested deeper than \(maxDepth)") }
    var p = 0
    var singularMessages: UInt64 = 0  // bit (slot % 64) set once such a field was seen
    while p < bytes.count {
      let span: FieldSpan
      do { span = try nextField(bytes, &p) } catch {
        throw ScanError(reason: depth == 0 ? error.reason : "in \(table.name): \(error.reason)")
      }
      state.fieldValues += 1
      if state.fieldValues > state.maxFieldValues { throw tooManyValues(state, table, span.number) }
      guard span.wireType == 2, let slot = table.slot(span.number) else { continue }
      let field = table.fields[slot]
      switch field.kind {
      case .string:
        let value = payload(bytes, span)
        if let problem = utf8Problem(value) {
          throw ScanError(reason: "field \(table.name).\(table.fieldNames[slot]): string \(problem)")
        }
      case .message:
        guard let child = table.child(slot) else { continue }
        if !field.isRepeated {
          let bit: UInt64 = 1 << UInt64(slot & 63)
          if singularMessages & bit != 0 { state.hasDuplicateMessages = true }
          singularMessages |= bit
        }
        try scan(payload(bytes, span), child, &state, depth: depth + 1)
      case .bytes, .unsupported:
        continue
      default:  // a packed repeated scalar: one value per element
        guard field.isRepeated else { continue }
        state.fieldValues += packedCount(payload(bytes, span), field.kind) - 1
        if state.fieldValues > state.maxFieldValues { throw tooManyValues(state, table, span.number) }
      }
    }
  }

  /// The bytes after a length-delimited field's length.
  @inline(__always)
  static func payload(_ bytes: UnsafeRawBufferPointer, _ span: FieldSpan) -> UnsafeRawBufferPointer {
    var q = span.valueRange.lowerBound
    _ = try! readVarint(bytes, &q)  // already read once by nextField
    return UnsafeRawBufferPointer(rebasing: bytes[q..<span.valueRange.upperBound])
  }

  /// Elements in a packed run of `kind` values (varints: the bytes ending one).
  private static func packedCount(_ bytes: UnsafeRawBufferPointer, _ kind: ProtoFieldKind) -> Int {
    switch kind {
    case .fixed32, .sfixed32, .float: return bytes.count / 4
    case .fixed64, .sfixed64, .double: return bytes.count / 8
    default:
      var n = 0
      for b in bytes where b < 0x80 { n += 1 }
      return n
    }
  }

  private static func tooManyValues(_ state: ScanState, _ table: ProtoTypeTable, _ number: Int) -> ScanError {
    ScanError(
      reason: "more than \(state.maxFieldValues) field values (fields and repeated elements at every "
        + "level), reached at field \(table.fieldPath(number)); send fewer elements per request",
      limitExceeded: true)
  }

  /// Why `bytes` is not a string protobuf-c can carry (a NUL byte, invalid UTF-8), or nil.
  static func utf8Problem(_ bytes: UnsafeRawBufferPointer) -> String? {
    var i = 0
    let n = bytes.count
    while i < n {
      let b0 = bytes[i]
      if b0 < 0x80 {
        if b0 == 0 { return "contains a NUL byte" }
        i += 1
        continue
      }
      let length: Int
      var lo: UInt8 = 0x80
      var hi: UInt8 = 0xBF
      switch b0 {
      case 0xC2...0xDF: length = 2
      case 0xE0: length = 3; lo = 0xA0
      case 0xE1...0xEC, 0xEE...0xEF: length = 3
      case 0xED: length = 3; hi = 0x9F  // no surrogates
      case 0xF0: length = 4; lo = 0x90
      case 0xF1...0xF3: length = 4
      case 0xF4: length = 4; hi = 0x8F  // nothing above U+10FFFF
      default: return "is not valid UTF-8 (byte 0x\(String(b0, radix: 16)) at offset \(i))"
      }
      guard i + length <= n else { return "is not valid UTF-8 (truncated sequence at offset \(i))" }
      let b1 = bytes[i + 1]
      guard b1 >= lo && b1 <= hi else { return "is not valid UTF-8 (bad sequence at offset \(i))" }
      for k in 2..<length where bytes[i + k] & 0xC0 != 0x80 {
        return "is not valid UTF-8 (bad sequence at offset \(i))"
      }
      i += length
    }
    return nil
  }
}
