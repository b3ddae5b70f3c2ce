/// A SHA-256 digest of an audit record, as 32 bytes; stored and sent as 64 lowercase hex
/// digits. The domain computes no hash (it has no crypto): the store does.
public struct AuditHash: Sendable, Hashable, CustomStringConvertible {
  public let bytes: [UInt8]

  /// `bytes` must be 32 long.
  public init(bytes: [UInt8]) {
    precondition(bytes.count == 32, "an audit hash is 32 bytes")
    self.bytes = bytes
  }

  /// 32 zero bytes: the previous hash of an organization's first record.
  public static let zero = AuditHash(bytes: [UInt8](repeating: 0, count: 32))

  /// Parses 64 hex digits; nil otherwise.
  public init?(hex: String) {
    let digits = Array(hex.utf8)
    guard digits.count == 64 else { return nil }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(32)
    var index = 0
    while index < 64 {
      guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else { return nil }
      bytes.append(high << 4 | low)
      index += 2
    }
    self.bytes = bytes
  }

  public var hex: String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(64)
    for byte in bytes {
      out.append(digits[Int(byte >> 4)])
      out.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  public var description: String { hex }

  private static func nibble(_ c: UInt8) -> UInt8? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
    default: nil
    }
  }
}
