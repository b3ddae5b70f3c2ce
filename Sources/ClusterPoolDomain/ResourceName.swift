/// A pool, cluster or queue name: 1–63 characters matching `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`.
public struct ResourceName: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// The validated name.
  public let value: String

  /// Longest accepted name.
  public static let maxLength = 63
  /// The pool every organization has, and the name no cluster may take.
  public static let defaultName = ResourceName(unchecked: "default")

  /// Validates `value`; `kind` (e.g. "cluster pool") names the resource in the message.
  public init(validating value: String, kind: String = "cluster pool") throws(DomainError) {
    guard Self.isValid(value) else {
      if value.isEmpty { throw .invalid("\(kind) name is required") }
      throw .invalid(
        "\(kind) name \(Self.quoted(value)) is invalid: use 1-63 characters, lowercase letters, digits and '-', "
          + "starting and ending with a letter or digit (e.g. prod-us-east-1)")
    }
    self.value = value
  }

  init(unchecked value: String) { self.value = value }

  /// Whether `value` is a valid name.
  public static func isValid(_ value: String) -> Bool {
    // its bytes where the string keeps them (every native string): walking `utf8` by its
    // indices cost a pool Get ~570 instructions for two short names (callgrind)
    value.utf8.withContiguousStorageIfAvailable(isValid) ?? Array(value.utf8).withUnsafeBufferPointer(isValid)
  }

  private static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard (1...maxLength).contains(bytes.count) else { return false }
    func alnum(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) }
    guard alnum(bytes[0]), alnum(bytes[bytes.count - 1]) else { return false }
    return bytes.allSatisfy { alnum($0) || $0 == 0x2D }
  }

  /// Whether this is `default`.
  public var isDefault: Bool { value == "default" }

  /// Client input quoted for a message, bounded (`QuotedInput`).
  static func quoted(_ text: String) -> String { QuotedInput.quote(text) }

  public static func < (lhs: ResourceName, rhs: ResourceName) -> Bool { lhs.value < rhs.value }
  public var description: String { value }
}
