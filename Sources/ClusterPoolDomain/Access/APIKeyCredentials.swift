/// The `FLYTE_API_KEY` string of an application: `base64("endpoint:client_id:client_secret:org")`
/// (standard base64, padded), as the official client reads it (`decode_api_key`: split at the
/// first three ':', so the endpoint may hold none and the organization may; an empty
/// organization reads as `None`).
public struct APIKeyCredentials: Sendable, Hashable {
  public var endpoint: String
  public var clientID: String
  public var secret: String
  /// The organization, or `None` when the key does not name one.
  public var organization: String

  public init(endpoint: String, clientID: String, secret: String, organization: String) {
    self.endpoint = endpoint
    self.clientID = clientID
    self.secret = secret
    self.organization = organization.isEmpty ? "None" : organization
  }

  /// The `FLYTE_API_KEY` value.
  public var encoded: String { Base64.encode(Array("\(endpoint):\(clientID):\(secret):\(organization)".utf8)) }

  /// Reads a `FLYTE_API_KEY` value; nil when it is not base64 of four ':'-separated parts.
  public init?(encoded: String) {
    guard let bytes = Base64.decode(encoded), let text = String(validating: bytes, as: UTF8.self) else { return nil }
    let parts = text.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
    guard parts.count == 4 else { return nil }
    self.init(endpoint: parts[0], clientID: parts[1], secret: parts[2], organization: parts[3])
  }
}

/// Base64 (RFC 4648) without Foundation: standard or URL-safe alphabet.
enum Base64 {
  private static let standard = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
  private static let urlSafe = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

  static func encode(_ bytes: [UInt8], urlSafe: Bool = false, padded: Bool = true) -> String {
    let alphabet = urlSafe ? Self.urlSafe : standard
    var out: [UInt8] = []
    out.reserveCapacity((bytes.count + 2) / 3 * 4)
    var index = 0
    while index < bytes.count {
      let chunk = bytes[index..<min(index + 3, bytes.count)]
      var value: UInt32 = 0
      for (offset, byte) in chunk.enumerated() { value |= UInt32(byte) << (16 - 8 * offset) }
      for position in 0...chunk.count { out.append(alphabet[Int((value >> (18 - 6 * position)) & 63)]) }
      if padded { out += Array(repeating: UInt8(ascii: "="), count: 3 - chunk.count) }
      index += 3
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Decodes either alphabet, padded or not; nil on any other character.
  static func decode(_ text: String) -> [UInt8]? {
    var value: UInt32 = 0
    var bits = 0
    var out: [UInt8] = []
    for char in text.utf8 where char != UInt8(ascii: "=") {
      let digit: UInt32
      switch char {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"): digit = UInt32(char - UInt8(ascii: "A"))
      case UInt8(ascii: "a")...UInt8(ascii: "z"): digit = UInt32(char - UInt8(ascii: "a")) + 26
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(char - UInt8(ascii: "0")) + 52
      case UInt8(ascii: "+"), UInt8(ascii: "-"): digit = 62
      case UInt8(ascii: "/"), UInt8(ascii: "_"): digit = 63
      default: return nil
      }
      value = (value << 6) | digit
      bits += 6
      if bits >= 8 {
        bits -= 8
        out.append(UInt8((value >> UInt32(bits)) & 0xFF))
      }
    }
    return out
  }
}
