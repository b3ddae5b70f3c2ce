/// The request id of a call (`x-request-id`): the client's when it sent a usable one, else
/// one the server makes; either way echoed back in the response head and recorded with the
/// call (``CallRecord/requestID``).
package enum RequestID {
  /// The header field, in both directions.
  package static let fieldName = "x-request-id"
  /// The longest id taken from a client; a longer one is replaced by a generated one.
  package static let maxLength = 128

  /// The client's id when it is usable: 1 to ``maxLength`` bytes of visible ASCII (no spaces,
  /// no control characters), so it can go into a log line and a header as it is.
  package static func accepted(_ sent: String?) -> String? {
    guard let sent, !sent.isEmpty, sent.utf8.count <= maxLength,
      sent.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
    else { return nil }
    return sent
  }

  /// The W3C trace id of a `traceparent` value (`00-<32 hex>-<16 hex>-<2 hex>`, lower-case,
  /// neither id all zeros; a later version may append fields), `nil` when it is not valid.
  package static func traceID(ofTraceparent value: String?) -> String? {
    guard let value else { return nil }
    let bytes = Array(value.utf8)
    guard bytes.count >= 55, bytes[2] == 0x2D, bytes[35] == 0x2D, bytes[52] == 0x2D else { return nil }
    func isHex(_ range: Range<Int>) -> Bool {
      bytes[range].allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
    guard isHex(0..<2), isHex(3..<35), isHex(36..<52), isHex(53..<55) else { return nil }
    let version = value.prefix(2)
    guard version != "ff", version != "00" || bytes.count == 55, bytes.count == 55 || bytes[55] == 0x2D
    else { return nil }
    guard bytes[3..<35].contains(where: { $0 != 0x30 }), bytes[36..<52].contains(where: { $0 != 0x30 })
    else { return nil }
    return String(decoding: bytes[3..<35], as: UTF8.self)
  }
}

/// Makes request ids: 128 random bits as 32 lower-case hex characters. One per connection
/// (not thread-safe), seeded from the system's random source and then a xoshiro256**
/// sequence: unique ids without a system call per call.
package struct RequestIDGenerator {
  private var state: (UInt64, UInt64, UInt64, UInt64)

  package init() {
    var system = SystemRandomNumberGenerator()
    state = (system.next(), system.next(), system.next(), system.next())
    if state == (0, 0, 0, 0) { state.0 = 1 }
  }

  private mutating func next() -> UInt64 {
    let result = (state.1 &* 5).rotatedLeft(by: 7) &* 9
    let t = state.1 << 17
    state.2 ^= state.0
    state.3 ^= state.1
    state.1 ^= state.2
    state.0 ^= state.3
    state.2 ^= t
    state.3 = state.3.rotatedLeft(by: 45)
    return result
  }

  /// A new id.
  package mutating func make() -> String {
    let high = next(), low = next()
    return String(unsafeUninitializedCapacity: 32) { buffer in
      let digits: StaticString = "0123456789abcdef"
      digits.withUTF8Buffer { hex in
        for index in 0..<16 {
          buffer[index] = hex[Int(high >> UInt64(60 - 4 * index) & 0xF)]
          buffer[16 + index] = hex[Int(low >> UInt64(60 - 4 * index) & 0xF)]
        }
      }
      return 32
    }
  }
}

extension UInt64 {
  fileprivate func rotatedLeft(by count: UInt64) -> UInt64 { (self << count) | (self >> (64 - count)) }
}
