internal import ClusterPoolDomain

extension AccessWrites {
  /// CreateRole: a custom role.
  static func createRole(_ role: Role, by actor: Identity, in tx: StoreTransaction) async throws -> Role {
    var role = role
    role.kind = .custom
    role.authorship = Authorship(at: tx.now, by: actor)
    try AccessRules.checkRole(role)
    guard try await tx.accessRow(role.key) == nil else {
      throw DomainError(.alreadyExists, "role \"\(role.name)\" already exists in organization \"\(role.organization)\"")
    }
    try await write(role, in: tx)
    return role
  }

  /// UpdateRole, CreateRoleAction, DeleteRoleAction: changes a custom role's description or
  /// actions (`change` gets the stored role), refusing a change that locks the organization out.
  static func changeRole(
    _ organization: Organization, _ name: String, _ description: String, by actor: Identity, in tx: StoreTransaction,
    _ change: @escaping (inout Role) throws -> Void
  ) async throws -> Role {
    try AccessRules.refuseBuiltIn("role", name, "change")
    var changed: Role?
    try await guarded(organization, description, in: tx) { access in
      guard var role = access.roles[name] else {
        throw notFound("role \"\(name)\"", organization, "list roles with flyte get role")
      }
      let before = role
      try change(&role)
      try AccessRules.checkRole(role)
      if role != before { role.authorship = role.authorship.updated(at: tx.now, by: actor) }
      access.roles[name] = role
      changed = role
    }
    return changed!
  }

  /// DeleteRole: a custom role no policy binds and no identity is given.
  static func deleteRole(_ organization: Organization, _ name: String, in tx: StoreTransaction) async throws {
    try AccessRules.refuseBuiltIn("role", name, "delete")
    try await guarded(organization, "deleting role \"\(name)\"", in: tx) { access in
      guard access.roles[name] != nil else { throw notFound("role \"\(name)\"", organization, "list roles with flyte get role") }
      let binding = access.policies.values.filter { $0.bindings.contains { $0.role == name } }.map(\.name).sorted()
      let given = access.assignments.values.filter { $0.roles.contains(name) }.map(\.identity.storageForm).sorted()
      guard binding.isEmpty, given.isEmpty else {
        let users = (binding.map { "policy \($0)" } + given).joined(separator: ", ")
        throw DomainError(.failedPrecondition, "role \"\(name)\" is still used by \(users): remove those uses first")
      }
      access.roles[name] = nil
    }
  }
}
