/// The digest of a client secret (SHA-256, computed by the store: the domain has no
/// cryptography). Secrets are 256 random bits (``APIKeySecret``), so one unsalted hash keeps
/// them as safe as a slow password hash would. Compared in constant time.
public struct SecretDigest: Sendable, Hashable, Codable {
  /// The digest's bytes.
  public var bytes: [UInt8]

  public init(bytes: [UInt8]) { self.bytes = bytes }

  /// Whether `other` is the same digest, in time that depends only on the lengths.
  public func matches(_ other: SecretDigest) -> Bool {
    guard bytes.count == other.bytes.count, !bytes.isEmpty else { return false }
    var difference: UInt8 = 0
    for index in bytes.indices { difference |= bytes[index] ^ other.bytes[index] }
    return difference == 0
  }

  /// Lowercase hexadecimal.
  public var hex: String { bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    let text = try container.decode(String.self)
    var bytes: [UInt8] = []
    var chars = Array(text.utf8)[...]
    while chars.count >= 2, let byte = UInt8(String(decoding: chars.prefix(2), as: UTF8.self), radix: 16) {
      bytes.append(byte)
      chars = chars.dropFirst(2)
    }
    guard chars.isEmpty else { throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a hex digest") }
    self.bytes = bytes
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(hex)
  }
}

/// A new client secret: 256 bits from the system's cryptographically secure generator
/// (`SystemRandomNumberGenerator`: getrandom(2) on Linux), as 43 characters of unpadded
/// base64url (no ':', so it fits a `FLYTE_API_KEY`).
public enum APIKeySecret {
  /// Random bytes in a secret.
  public static let byteCount = 32

  /// A new secret.
  public static func generate() -> String {
    var generator = SystemRandomNumberGenerator()
    let bytes = (0..<byteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    return Base64.encode(bytes, urlSafe: true, padded: false)
  }
}
