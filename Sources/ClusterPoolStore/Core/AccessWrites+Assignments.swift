internal import ClusterPoolDomain

extension AccessWrites {
  /// AssignIdentity: gives an existing user or app of the organization a role or policy
  /// (one it has already: nothing changes).
  static func assign(
    _ organization: Organization, _ identity: Identity, _ target: AssignmentTarget, by actor: Identity, in tx: StoreTransaction
  ) async throws {
    try await checkExists(organization, identity, in: tx)
    try await guarded(organization, "assigning \(target) to \(identity)", in: tx) { access in
      var assignment = access.assignments[identity] ?? Assignment(
        organization: organization, identity: identity, authorship: Authorship(at: tx.now, by: actor))
      switch target {
      case .role(let name):
        guard access.role(name) != nil else { throw notFound("role \"\(name)\"", organization, "list roles with flyte get role") }
        assignment.roles = Array(Set(assignment.roles + [name])).sorted()
      case .policy(let name):
        guard access.policy(name) != nil else {
          throw notFound("policy \"\(name)\"", organization, "list policies with flyte get policy")
        }
        assignment.policies = Array(Set(assignment.policies + [name])).sorted()
      }
      if assignment != access.assignments[identity] {
        if access.assignments[identity] != nil { assignment.authorship = assignment.authorship.updated(at: tx.now, by: actor) }
        access.assignments[identity] = assignment
      }
    }
  }

  /// UnassignIdentity: takes a role or policy from an identity; NOT_FOUND when it lacks it.
  static func unassign(
    _ organization: Organization, _ identity: Identity, _ target: AssignmentTarget, by actor: Identity, in tx: StoreTransaction
  ) async throws {
    try await guarded(organization, "unassigning \(target) from \(identity)", in: tx) { access in
      guard var assignment = access.assignments[identity] else {
        throw notFound("an assignment of \(identity)", organization, "list assignments with flyte get assignment")
      }
      let before = assignment
      switch target {
      case .role(let name): assignment.roles.removeAll { $0 == name }
      case .policy(let name): assignment.policies.removeAll { $0 == name }
      }
      guard assignment != before else {
        throw notFound("\(target) given to \(identity)", organization, "list assignments with flyte get assignment")
      }
      assignment.authorship = assignment.authorship.updated(at: tx.now, by: actor)
      access.assignments[identity] = assignment
    }
  }

  /// Throws NOT_FOUND unless `identity` is a user or app of `organization`.
  static func checkExists(_ organization: Organization, _ identity: Identity, in tx: StoreTransaction) async throws {
    switch identity {
    case .user(let subject):
      guard try await tx.accessRow(AccessKey(.user, organization, subject)) != nil else {
        throw notFound("user \"\(subject)\"", organization, "create it with flyte create user")
      }
    case .application(let clientID):
      guard try await tx.accessRow(AccessKey(.app, organization, clientID)) != nil else {
        throw notFound("app \"\(clientID)\"", organization, "create it with flyte create api-key")
      }
    }
  }
}
