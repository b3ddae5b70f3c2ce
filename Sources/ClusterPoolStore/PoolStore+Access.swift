public import ClusterPoolDomain
internal import Crypto

extension PoolStore: AccessStore {
  /// The SHA-256 digest of a client secret.
  static func digest(_ secret: String) -> SecretDigest { SecretDigest(bytes: Array(SHA256.hash(data: Array(secret.utf8)))) }

  public func createApp(
    _ organization: Organization, clientID: String, _ registration: AppRegistration, defaultPolicy: String?, by actor: Identity
  ) async throws(DomainError) -> (app: App, secret: String) {
    let secret = APIKeySecret.generate()
    let digest = Self.digest(secret)
    let app = try await perform(touching: [organization], auditing: .init(kind: "app", name: clientID)) { tx in
      try await AccessWrites.createApp(
        organization, clientID: clientID, registration, digest: digest, defaultPolicy: defaultPolicy, by: actor, in: tx)
    }
    return (app, secret)
  }

  public func updateApp(_ organization: Organization, clientID: String, _ registration: AppRegistration, by actor: Identity)
    async throws(DomainError) -> App
  {
    try await perform(touching: [organization], auditing: .init(kind: "app", name: clientID)) { tx in
      try await AccessWrites.updateApp(organization, clientID: clientID, registration, by: actor, in: tx)
    }
  }

  public func deleteApp(_ organization: Organization, clientID: String, by actor: Identity) async throws(DomainError) {
    try await perform(touching: [organization], auditing: .init(kind: "app", name: clientID)) { tx in try await AccessWrites.deleteApp(organization, clientID: clientID, in: tx) }
  }

  public func withSnapshot<Result>(_ body: (borrowing StoreSnapshot) -> Result) -> Result {
    core.state.withLock { body($0) }
  }

  public func authenticateApp(clientID: String, secret: String) -> App? {
    let digest = Self.digest(secret)
    // every candidate compared, so the time does not say which matched
    var found: App?
    for app in withSnapshot({ $0.apps(clientID: clientID) }) where app.secretDigest.matches(digest) { found = app }
    return found
  }

  public func createRole(_ role: Role, by actor: Identity) async throws(DomainError) -> Role {
    try await perform(touching: [role.organization], auditing: .init(kind: "role", name: role.name)) { tx in try await AccessWrites.createRole(role, by: actor, in: tx) }
  }

  public func updateRole(_ role: Role, by actor: Identity) async throws(DomainError) -> Role {
    try await perform(touching: [role.organization], auditing: .init(kind: "role", name: role.name)) { tx in
      try await AccessWrites.changeRole(role.organization, role.name, "updating role \"\(role.name)\"", by: actor, in: tx) {
        $0.description = role.description
        $0.actions = role.actions
      }
    }
  }

  public func changeRoleAction(
    _ organization: Organization, role: String, _ action: AccessAction, adding: Bool, by actor: Identity
  ) async throws(DomainError) -> Role {
    let change = adding ? "adding" : "removing"
    return try await perform(touching: [organization], auditing: .init(kind: "role", name: role)) { tx in
      try await AccessWrites.changeRole(organization, role, "\(change) \(action) of role \"\(role)\"", by: actor, in: tx) {
        if adding { $0.actions = Array(Set($0.actions + [action])).sorted() } else { $0.actions.removeAll { $0 == action } }
      }
    }
  }

  public func deleteRole(_ organization: Organization, _ name: String, by actor: Identity) async throws(DomainError) {
    try await perform(touching: [organization], auditing: .init(kind: "role", name: name)) { tx in try await AccessWrites.deleteRole(organization, name, in: tx) }
  }

  public func createPolicy(_ policy: Policy, by actor: Identity) async throws(DomainError) -> Policy {
    try await perform(touching: [policy.organization], auditing: .init(kind: "policy", name: policy.name)) { tx in try await AccessWrites.createPolicy(policy, by: actor, in: tx) }
  }

  public func changeBinding(
    _ organization: Organization, policy: String, _ binding: PolicyBinding, adding: Bool, by actor: Identity
  ) async throws(DomainError) -> Policy {
    try await perform(touching: [organization], auditing: .init(kind: "policy", name: policy)) { tx in
      try await AccessWrites.changeBinding(organization, policy, binding, adding: adding, by: actor, in: tx)
    }
  }

  public func deletePolicy(_ organization: Organization, _ name: String, by actor: Identity) async throws(DomainError) {
    try await perform(touching: [organization], auditing: .init(kind: "policy", name: name)) { tx in try await AccessWrites.deletePolicy(organization, name, in: tx) }
  }

  public func createUser(_ organization: Organization, _ profile: UserProfile, by actor: Identity) async throws(DomainError) -> User {
    try await perform(touching: [organization], auditing: .init(kind: "user", name: profile.email)) { tx in try await AccessWrites.createUser(organization, profile, by: actor, in: tx) }
  }

  public func deleteUser(_ organization: Organization, subject: String, by actor: Identity) async throws(DomainError) {
    try await perform(touching: [organization], auditing: .init(kind: "user", name: subject)) { tx in try await AccessWrites.deleteUser(organization, subject: subject, in: tx) }
  }

  public func assign(_ organization: Organization, _ identity: Identity, _ target: AssignmentTarget, by actor: Identity)
    async throws(DomainError)
  {
    try await perform(touching: [organization], auditing: .init(kind: "assignment", name: identity.storageForm)) { tx in try await AccessWrites.assign(organization, identity, target, by: actor, in: tx) }
  }

  public func unassign(_ organization: Organization, _ identity: Identity, _ target: AssignmentTarget, by actor: Identity)
    async throws(DomainError)
  {
    try await perform(touching: [organization], auditing: .init(kind: "assignment", name: identity.storageForm)) { tx in
      try await AccessWrites.unassign(organization, identity, target, by: actor, in: tx)
    }
  }
}
