internal import ClusterPoolDomain

extension AccessWrites {
  /// CreatePolicy: a policy whose bindings name existing roles.
  static func createPolicy(_ policy: Policy, by actor: Identity, in tx: StoreTransaction) async throws -> Policy {
    var policy = policy
    policy.builtIn = false
    policy.authorship = Authorship(at: tx.now, by: actor)
    guard !BuiltInRoles.names.contains(policy.name) else {
      throw DomainError(.alreadyExists, "policy \"\(policy.name)\" is built in: choose another name")
    }
    let access = try await OrganizationAccess.read(policy.organization, createdAt: tx.defaultPool.createdAt, in: tx)
    try AccessRules.checkPolicy(policy) { access.role($0) != nil }
    guard access.policies[policy.name] == nil else {
      throw DomainError(.alreadyExists, "policy \"\(policy.name)\" already exists in organization \"\(policy.organization)\"")
    }
    try await write(policy, in: tx)
    return policy
  }

  /// CreatePolicyBinding (`adding`) and DeletePolicyBinding: adds or removes one binding of a
  /// custom policy (adding one it has, or removing one it lacks, changes nothing).
  static func changeBinding(
    _ organization: Organization, _ name: String, _ binding: PolicyBinding, adding: Bool, by actor: Identity,
    in tx: StoreTransaction
  ) async throws -> Policy {
    try AccessRules.refuseBuiltIn("policy", name, "change")
    var changed: Policy?
    let verb = adding ? "adding" : "removing"
    try await guarded(organization, "\(verb) \(binding) of policy \"\(name)\"", in: tx) { access in
      guard var policy = access.policies[name] else {
        throw notFound("policy \"\(name)\"", organization, "list policies with flyte get policy")
      }
      if adding {
        try AccessRules.checkBinding(binding) { access.role($0) != nil }
        if !policy.bindings.contains(binding) { policy.bindings.append(binding) }
      } else {
        policy.bindings.removeAll { $0 == binding }
      }
      if policy != access.policies[name] { policy.authorship = policy.authorship.updated(at: tx.now, by: actor) }
      access.policies[name] = policy
      changed = policy
    }
    return changed!
  }

  /// DeletePolicy: a custom policy no identity is given.
  static func deletePolicy(_ organization: Organization, _ name: String, in tx: StoreTransaction) async throws {
    try AccessRules.refuseBuiltIn("policy", name, "delete")
    try await guarded(organization, "deleting policy \"\(name)\"", in: tx) { access in
      guard access.policies[name] != nil else {
        throw notFound("policy \"\(name)\"", organization, "list policies with flyte get policy")
      }
      let given = access.assignments.values.filter { $0.policies.contains(name) }.map(\.identity.storageForm).sorted()
      guard given.isEmpty else {
        throw DomainError(
          .failedPrecondition,
          "policy \"\(name)\" is still given to \(given.joined(separator: ", ")): unassign it first (flyte delete assignment)")
      }
      access.policies[name] = nil
    }
  }
}
