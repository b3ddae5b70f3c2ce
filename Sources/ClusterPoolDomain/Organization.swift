/// An organization: the unit of isolation. No request ever reads or changes another
/// organization's resources.
public struct Organization: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// The organization's identifier as sent on the wire.
  public let name: String

  /// Longest accepted identifier, in UTF-8 bytes.
  public static let maxLength = 1024

  /// Validates a non-empty organization identifier (bounded, no control characters).
  public init(validating name: String) throws(DomainError) {
    guard !name.isEmpty else { throw .invalid("organization must not be empty") }
    try TextRules.check(name, field: "organization", maxBytes: Self.maxLength)
    self.name = name
  }

  /// The organization a request means: `requested`, or `fallback` (the caller's own, or
  /// the server's default when auth is off) when it is empty.
  public static func resolve(_ requested: String, fallback: Organization) throws(DomainError) -> Organization {
    requested.isEmpty ? fallback : try Organization(validating: requested)
  }

  public static func < (lhs: Organization, rhs: Organization) -> Bool { lhs.name < rhs.name }
  public var description: String { name }
}
