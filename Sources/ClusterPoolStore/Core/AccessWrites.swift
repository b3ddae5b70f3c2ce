internal import ClusterPoolDomain

/// The identity and access writes: each reads the rows its rule needs, applies the rule of
/// the domain (``AccessRules``), writes rows and returns the value to answer with. Changes
/// that could remove the last holder of ACTION_MANAGE_PERMISSIONS read the organization's
/// roles, policies and assignments (``OrganizationAccess``) before and after.
enum AccessWrites {
  static func read<Value: AccessRowValue>(_ key: AccessKey, _ type: Value.Type, in tx: StoreTransaction) async throws -> Value? {
    try await tx.accessRow(key)?.decode(type)
  }

  static func write(_ value: some AccessRowValue, in tx: StoreTransaction) async throws {
    _ = try await tx.nextRevision()
    try await tx.write(try AccessRow(value))
  }

  static func remove(_ key: AccessKey, in tx: StoreTransaction) async throws {
    _ = try await tx.nextRevision()
    try await tx.removeAccessRow(key)
  }

  static func notFound(_ what: String, _ organization: Organization, _ hint: String) -> DomainError {
    DomainError(.notFound, "\(what) does not exist in organization \"\(organization)\": \(hint)")
  }

  /// Applies `change` to the organization's access, refusing it when it leaves no holder of
  /// ACTION_MANAGE_PERMISSIONS; writes the assignments, roles and policies it changed.
  static func guarded(
    _ organization: Organization, _ description: String, in tx: StoreTransaction,
    _ change: (inout OrganizationAccess) throws -> Void
  ) async throws {
    let before = try await OrganizationAccess.read(organization, createdAt: tx.defaultPool.createdAt, in: tx)
    var after = before
    try change(&after)
    try AccessRules.checkNotLockedOut(organization, before: before.administrators(), after: after.administrators(), change: description)
    for (identity, assignment) in after.assignments where before.assignments[identity] != assignment {
      if assignment.isEmpty { try await remove(assignment.key, in: tx) } else { try await write(assignment, in: tx) }
    }
    for (identity, assignment) in before.assignments where after.assignments[identity] == nil {
      try await remove(assignment.key, in: tx)
    }
    for (name, role) in after.roles where before.roles[name] != role { try await write(role, in: tx) }
    for (name, role) in before.roles where after.roles[name] == nil { try await remove(role.key, in: tx) }
    for (name, policy) in after.policies where before.policies[name] != policy { try await write(policy, in: tx) }
    for (name, policy) in before.policies where after.policies[name] == nil { try await remove(policy.key, in: tx) }
  }
}
