/// The bits of the protobuf wire format that the bridge handles itself: varints, splitting
/// unknown fields, and the pre-scan that protects decoding from protobuf-c's NUL-terminated strings.
enum ProtoWire {
  static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
    var v = value
    while v >= 0x80 {
      bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
      v >>= 7
    }
    bytes.append(UInt8(v))
  }

  /// One field of encoded bytes: its number, wire type and the bytes after its tag.
  struct FieldSpan {
    var number: Int
    var wireType: Int
    var valueRange: Range<Int>
  }

  enum Malformed: Error {
    case truncatedVarint(at: Int)
    case varintTooLong(at: Int)
    case fieldNumberZero(at: Int)
    case fieldNumberTooLarge(at: Int)
    case pastTheEnd(at: Int)
    case groups(at: Int)
    case invalidWireType(Int, at: Int)

    var reason: String {
      switch self {
      case .truncatedVarint(let at): "truncated varint at byte \(at)"
      case .varintTooLong(let at): "varint longer than 10 bytes at byte \(at)"
      case .fieldNumberZero(let at): "field number 0 at byte \(at)"
      case .fieldNumberTooLarge(let at): "field number above 536870911 at byte \(at)"
      case .pastTheEnd(let at): "field at byte \(at) runs past the end of the message"
      case .groups(let at): "groups (wire types 3 and 4) are not supported, at byte \(at)"
      case .invalidWireType(let t, let at): "invalid wire type \(t) at byte \(at)"
      }
    }
  }

  /// Reads a varint at `p`, advancing it.
  @inline(__always)
  static func readVarint(_ bytes: UnsafeRawBufferPointer, _ p: inout Int) throws(Malformed) -> UInt64 {
    let start = p
    var result: UInt64 = 0
    var shift: UInt64 = 0
    while true {
      guard p < bytes.count else { throw .truncatedVarint(at: start) }
      let b = bytes[p]
      p += 1
      if shift == 63 && b > 1 { throw .varintTooLong(at: start) }
      result |= UInt64(b & 0x7f) << shift
      if b < 0x80 { return result }
      shift += 7
      if shift > 63 { throw .varintTooLong(at: start) }
    }
  }

  /// Reads one field's tag and skips its value; `p` ends after the field.
  @inline(__always)
  static func nextField(_ bytes: UnsafeRawBufferPointer, _ p: inout Int) throws(Malformed) -> FieldSpan {
    let start = p
    let key = try readVarint(bytes, &p)
    guard key >> 3 <= 536_870_911 else { throw .fieldNumberTooLarge(at: start) }
    let number = Int(key >> 3)
    let wireType = Int(key & 7)
    guard number != 0 else { throw .fieldNumberZero(at: start) }
    let valueStart = p
    switch wireType {
    case 0: _ = try readVarint(bytes, &p)
    case 1: p += 8
    case 5: p += 4
    case 2:
      let length = try readVarint(bytes, &p)
      guard length <= UInt64(bytes.count - p) else { throw .pastTheEnd(at: start) }
      p += Int(length)
    case 3, 4: throw .groups(at: start)
    default: throw .invalidWireType(wireType, at: start)
    }
    guard p <= bytes.count else { throw .pastTheEnd(at: start) }
    return FieldSpan(number: number, wireType: wireType, valueRange: valueStart..<p)
  }

  /// `bytes` (``ProtoUnknownFields``) split into fields.
  static func splitFields(_ bytes: [UInt8], typeName: String) throws(ProtoEncodingError) -> [FieldSpan] {
    let result: Result<[FieldSpan], Malformed> = bytes.withUnsafeBytes { raw in
      var spans: [FieldSpan] = []
      var p = 0
      do throws(Malformed) {
        while p < raw.count { spans.append(try nextField(raw, &p)) }
      } catch {
        return .failure(error)
      }
      return .success(spans)
    }
    switch result {
    case .success(let spans): return spans
    case .failure(let error):
      throw ProtoEncodingError(messageName: typeName, reason: "unknownFields: \(error.reason)")
    }
  }
}
