internal import ClusterPoolDomain

/// An organization's roles, policies and assignments as read inside a write's transaction:
/// what the no-lock-out rule (``AccessRules/checkNotLockedOut(_:before:after:change:)``) needs
/// before and after a change.
struct OrganizationAccess {
  let organization: Organization
  let createdAt: Timestamp
  var roles: [String: Role]
  var policies: [String: Policy]
  var assignments: [Identity: Assignment]

  static func read(_ organization: Organization, createdAt: Timestamp, in tx: StoreTransaction) async throws -> OrganizationAccess {
    let roles = try await tx.accessRows(.role, in: organization).map { try $0.decode(Role.self) }
    let policies = try await tx.accessRows(.policy, in: organization).map { try $0.decode(Policy.self) }
    let assignments = try await tx.accessRows(.assignment, in: organization).map { try $0.decode(Assignment.self) }
    return OrganizationAccess(
      organization: organization, createdAt: createdAt,
      roles: Dictionary(roles.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a }),
      policies: Dictionary(policies.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a }),
      assignments: Dictionary(assignments.map { ($0.identity, $0) }, uniquingKeysWith: { a, _ in a }))
  }

  func role(_ name: String) -> Role? { BuiltInRoles.role(name, in: organization, createdAt: createdAt) ?? roles[name] }
  func policy(_ name: String) -> Policy? { BuiltInRoles.policy(name, in: organization, createdAt: createdAt) ?? policies[name] }

  /// The identities holding ACTION_MANAGE_PERMISSIONS on the organization.
  func administrators() -> Set<Identity> {
    AccessRules.holders(of: .managePermissions, assignments: Array(assignments.values), role: role, policy: policy)
  }
}
