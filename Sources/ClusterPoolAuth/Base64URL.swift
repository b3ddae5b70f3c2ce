internal import Foundation

/// base64url without padding (RFC 7515 section 2), as JWS and JWK carry bytes; and the
/// standard alphabet with padding, as API keys are written.
enum Base64URL {
  static func encode(_ bytes: some Sequence<UInt8>) -> String {
    var text = Data(bytes).base64EncodedString()
    while text.last == "=" { text.removeLast() }
    return String(text.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 })
  }

  /// The bytes of base64url text; `nil` when it holds anything else (padding, `+`, `/`, spaces).
  static func decode(_ text: Substring) -> [UInt8]? {
    guard text.utf8.allSatisfy({ isAlphabet($0) }), text.utf8.count % 4 != 1 else { return nil }
    var standard = String(text.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 })
    while standard.utf8.count % 4 != 0 { standard.append("=") }
    return Data(base64Encoded: standard).map { [UInt8]($0) }
  }

  /// The bytes of standard base64 text with its `=` padding (RFC 4648 section 4), as an API
  /// key is written; `nil` for anything else (`-`, `_`, spaces, a length not a multiple of 4).
  /// Byte by byte, with no intermediate string: API keys are decoded on every call.
  static func decodeStandard(_ text: some Collection<UInt8>) -> [UInt8]? {
    guard text.count % 4 == 0 else { return nil }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(text.count / 4 * 3)
    var bits: UInt32 = 0, held = 0, padding = 0
    for byte in text {
      let value: UInt8
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = byte - UInt8(ascii: "A")
      case UInt8(ascii: "a")...UInt8(ascii: "z"): value = byte - UInt8(ascii: "a") + 26
      case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0") + 52
      case UInt8(ascii: "+"): value = 62
      case UInt8(ascii: "/"): value = 63
      case UInt8(ascii: "="):
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

  private static func isAlphabet(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
      true
    default: false
    }
  }
}
