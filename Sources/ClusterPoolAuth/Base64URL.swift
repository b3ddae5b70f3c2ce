/// base64url without padding (RFC 7515 section 2), as JWS and JWK carry bytes; and the
/// standard alphabet with padding, as API keys are written. Byte by byte, with no
/// intermediate strings: tokens are encoded at every issuance and API keys decoded on every
/// call.
enum Base64URL {
  private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

  static func encode(_ bytes: some Sequence<UInt8>) -> String {
    let input = Array(bytes)
    var out: [UInt8] = []
    out.reserveCapacity((input.count * 4 + 2) / 3)
    var index = 0
    while index + 3 <= input.count {
      let group = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
      for shift in [18, 12, 6, 0] as [UInt32] { out.append(alphabet[Int(group >> shift & 63)]) }
      index += 3
    }
    let rest = input.count - index
    if rest > 0 {
      let group = UInt32(input[index]) << 16 | (rest == 2 ? UInt32(input[index + 1]) << 8 : 0)
      for shift in ([18, 12, 6] as [UInt32]).prefix(rest + 1) { out.append(alphabet[Int(group >> shift & 63)]) }
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// The bytes of base64url text; `nil` when it holds anything else (padding, `+`, `/`, spaces).
  static func decode(_ text: Substring) -> [UInt8]? { decode(text.utf8, url: true) }

  /// The bytes of standard base64 text with its `=` padding (RFC 4648 section 4), as an API
  /// key is written; `nil` for anything else (`-`, `_`, spaces, a length not a multiple of 4).
  static func decodeStandard(_ text: some Collection<UInt8>) -> [UInt8]? { decode(text, url: false) }

  private static func decode(_ text: some Collection<UInt8>, url: Bool) -> [UInt8]? {
    guard url ? text.count % 4 != 1 : text.count % 4 == 0 else { return nil }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(text.count / 4 * 3 + 2)
    var bits: UInt32 = 0, held = 0, padding = 0
    for byte in text {
      let value: UInt8
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = byte - UInt8(ascii: "A")
      case UInt8(ascii: "a")...UInt8(ascii: "z"): value = byte - UInt8(ascii: "a") + 26
      case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0") + 52
      case UInt8(ascii: "-") where url, UInt8(ascii: "+") where !url: value = 62
      case UInt8(ascii: "_") where url, UInt8(ascii: "/") where !url: value = 63
      case UInt8(ascii: "=") where !url:
        padding += 1
        guard padding <= 2 else { return nil }
        continue
      default: return nil
      }
      guard padding == 0 else { return nil }  // nothing after the padding
      bits = (bits << 6 | UInt32(value)) & 0x3FFF
      held += 6
      if held >= 8 {
        held -= 8
        bytes.append(UInt8(truncatingIfNeeded: bits >> UInt32(held)))
      }
    }
    return bytes
  }
}
