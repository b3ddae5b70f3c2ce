/// An organization: the unit of isolation. No request ever reads or changes another
/// organization's resources.
public struct Organization: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// The organization's identifier as sent on the wire.
  public let name: String

  /// Validates an organization identifier: the same rule as every other name (1-63
  /// characters, lowercase letters, digits and '-', starting and ending with a letter or
  /// digit). This is the one check of every organization a request names.
  public init(validating name: String) throws(DomainError) {
    self.name = try ResourceName(validating: name, kind: "organization").value
  }

  /// An organization read back from the store: accepted as stored, so that a database
  /// written before names were checked still opens (requests can no longer name it).
  public init(stored name: String) {
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
