/// The kinds of identity and access objects an organization holds.
public enum AccessKind: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
  /// An application (OAuth2 client; an API key), named by its client id.
  case app
  /// A role, named by its name.
  case role
  /// A policy, named by its name.
  case policy
  /// A user, named by its subject.
  case user
  /// The roles and policies given to one identity, named by the identity's storage form.
  case assignment

  public var description: String { rawValue }
}

/// Identifies one identity or access object: its kind, organization and name (a client id,
/// role or policy name, user subject, or an assignment's identity in storage form).
public struct AccessKey: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
  public var kind: AccessKind
  public var organization: Organization
  public var name: String

  public init(_ kind: AccessKind, _ organization: Organization, _ name: String) {
    self.kind = kind
    self.organization = organization
    self.name = name
  }

  public static func < (lhs: AccessKey, rhs: AccessKey) -> Bool {
    (lhs.kind.rawValue, lhs.organization.name, lhs.name) < (rhs.kind.rawValue, rhs.organization.name, rhs.name)
  }

  public var description: String { "\(kind) \(organization)/\(name)" }
}

/// When an object was made and last changed, and by whom. Every write records its author.
public struct Authorship: Sendable, Hashable, Codable {
  public var createdAt: Timestamp
  public var updatedAt: Timestamp
  public var createdBy: Identity
  public var updatedBy: Identity

  /// Made (and last changed) at `time` by `author`.
  public init(at time: Timestamp, by author: Identity) {
    createdAt = time
    updatedAt = time
    createdBy = author
    updatedBy = author
  }

  /// The same, changed at `time` by `author`.
  public func updated(at time: Timestamp, by author: Identity) -> Authorship {
    var next = self
    next.updatedAt = time
    next.updatedBy = author
    return next
  }
}
