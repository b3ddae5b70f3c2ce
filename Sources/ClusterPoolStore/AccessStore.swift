public import ClusterPoolDomain

/// Durable storage of every organization's identity and access objects: applications (API
/// keys), roles, policies, users and assignments, in the same store and transactions as the
/// pools. Reads are served from memory (``PoolStore/snapshot()`` and the ``StoreSnapshot``
/// reads); writes check the rules and return once durable and visible. Every write records
/// its author.
public protocol AccessStore: Sendable {
  /// The read model as of the last commit applied (every identity read goes through it).
  func snapshot() -> StoreSnapshot

  /// `body` over the read model as of the last commit applied, under the store's lock and
  /// without copying it: for the lookups authentication makes on every call. `body` must be
  /// short and must not call the store.
  func withSnapshot<Result>(_ body: (borrowing StoreSnapshot) -> Result) -> Result

  /// Create (AppsService): a new application with a new secret; returns it and the secret,
  /// shown this once (only its SHA-256 digest is kept). `defaultPolicy`, when set, is given
  /// to it (the server's default app policy, unless the request skips it).
  func createApp(
    _ organization: Organization, clientID: String, _ registration: AppRegistration, defaultPolicy: String?, by actor: Identity
  ) async throws(DomainError) -> (app: App, secret: String)

  /// Update (AppsService): replaces the registration.
  func updateApp(_ organization: Organization, clientID: String, _ registration: AppRegistration, by actor: Identity)
    async throws(DomainError) -> App

  /// Delete (AppsService).
  func deleteApp(_ organization: Organization, clientID: String, by actor: Identity) async throws(DomainError)

  /// The application `clientID` whose secret is `secret` (compared by digest, in constant
  /// time), in whichever organization; nil when there is none. For the token endpoint and API
  /// keys used as bearer tokens.
  func authenticateApp(clientID: String, secret: String) -> App?

  func createRole(_ role: Role, by actor: Identity) async throws(DomainError) -> Role
  /// UpdateRole: replaces a custom role's description and actions.
  func updateRole(_ role: Role, by actor: Identity) async throws(DomainError) -> Role
  /// CreateRoleAction (`adding`) and DeleteRoleAction.
  func changeRoleAction(_ organization: Organization, role: String, _ action: AccessAction, adding: Bool, by actor: Identity)
    async throws(DomainError) -> Role
  func deleteRole(_ organization: Organization, _ name: String, by actor: Identity) async throws(DomainError)

  func createPolicy(_ policy: Policy, by actor: Identity) async throws(DomainError) -> Policy
  /// CreatePolicyBinding (`adding`) and DeletePolicyBinding.
  func changeBinding(_ organization: Organization, policy: String, _ binding: PolicyBinding, adding: Bool, by actor: Identity)
    async throws(DomainError) -> Policy
  func deletePolicy(_ organization: Organization, _ name: String, by actor: Identity) async throws(DomainError)

  func createUser(_ organization: Organization, _ profile: UserProfile, by actor: Identity) async throws(DomainError) -> User
  func deleteUser(_ organization: Organization, subject: String, by actor: Identity) async throws(DomainError)

  /// AssignIdentity.
  func assign(_ organization: Organization, _ identity: Identity, _ target: AssignmentTarget, by actor: Identity)
    async throws(DomainError)
  /// UnassignIdentity.
  func unassign(_ organization: Organization, _ identity: Identity, _ target: AssignmentTarget, by actor: Identity)
    async throws(DomainError)
}
