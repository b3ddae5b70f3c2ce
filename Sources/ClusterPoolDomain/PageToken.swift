/// Page tokens: opaque to clients; inside, a version, the listing's fingerprint and the last
/// name served (keyset pagination), hex-encoded. Continuing after a name stays correct while
/// pools are created or deleted between pages.
enum PageToken {
  static let version = "1"

  static func encode(lastName: String, fingerprint: UInt64) -> String {
    let plain = version + ":" + String(fingerprint, radix: 16) + ":" + lastName
    var out = ""
    out.reserveCapacity(plain.utf8.count * 2)
    let digits = Array("0123456789abcdef".utf8)
    for byte in plain.utf8 {
      out.unicodeScalars.append(UnicodeScalar(digits[Int(byte >> 4)]))
      out.unicodeScalars.append(UnicodeScalar(digits[Int(byte & 15)]))
    }
    return out
  }

  /// The last name of the previous page; throws when the token is malformed or belongs to a
  /// different listing (organization, filters or order).
  static func decode(_ token: String, fingerprint: UInt64) throws(DomainError) -> String {
    let bad = DomainError.invalid("the page token is not valid: pass the token of the previous page unchanged, or start again without one")
    let hex = Array(token.utf8)
    guard hex.count % 2 == 0, hex.count <= 400 else { throw bad }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(hex.count / 2)
    func nibble(_ c: UInt8) -> UInt8? {
      switch c {
      case 0x30...0x39: c - 0x30
      case 0x61...0x66: c - 0x61 + 10
      default: nil
      }
    }
    var i = 0
    while i < hex.count {
      guard let high = nibble(hex[i]), let low = nibble(hex[i + 1]) else { throw bad }
      bytes.append(high << 4 | low)
      i += 2
    }
    let parts = String(decoding: bytes, as: UTF8.self).split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0] == version, let issued = UInt64(parts[1], radix: 16), ResourceName.isValid(String(parts[2]))
    else { throw bad }
    guard issued == fingerprint else {
      throw .invalid(
        "the page token belongs to a listing with other filters, order or organization: repeat the same request with it, or start again without a token")
    }
    return String(parts[2])
  }
}
