/// The roles and policies given to one identity (a user or an application) of an
/// organization. An identity with neither has no assignment row.
public struct Assignment: Sendable, Hashable, Codable {
  public var organization: Organization
  public var identity: Identity
  /// Role names given directly (each on the organization), sorted.
  public var roles: [String]
  /// Policy names given, sorted.
  public var policies: [String]
  public var authorship: Authorship

  public init(organization: Organization, identity: Identity, roles: [String] = [], policies: [String] = [], authorship: Authorship) {
    self.organization = organization
    self.identity = identity
    self.roles = Set(roles).sorted()
    self.policies = Set(policies).sorted()
    self.authorship = authorship
  }

  /// The key of its store row.
  public var key: AccessKey { Self.key(organization, identity) }

  /// The key of `identity`'s assignment row in `organization`.
  public static func key(_ organization: Organization, _ identity: Identity) -> AccessKey {
    AccessKey(.assignment, organization, identity.storageForm)
  }

  /// Whether it gives nothing (its row is then removed).
  public var isEmpty: Bool { roles.isEmpty && policies.isEmpty }
}

/// What an assignment change names: a role or a policy.
public enum AssignmentTarget: Sendable, Hashable, CustomStringConvertible {
  case role(String)
  case policy(String)

  public var description: String {
    switch self {
    case .role(let name): "role \"\(name)\""
    case .policy(let name): "policy \"\(name)\""
    }
  }
}
