internal import ClusterPoolDomain

extension AccessWrites {
  /// Create (AppsService): a new application whose secret's digest is `digest`; given
  /// `defaultPolicy` (when set) by an assignment.
  static func createApp(
    _ organization: Organization, clientID: String, _ registration: AppRegistration, digest: SecretDigest,
    defaultPolicy: String?, by actor: Identity, in tx: StoreTransaction
  ) async throws -> App {
    let clientID = try AccessName.validate(clientID, kind: "client id")
    try registration.validate()
    let key = AccessKey(.app, organization, clientID)
    guard try await tx.accessRow(key) == nil else {
      throw DomainError(.alreadyExists, "app \"\(clientID)\" already exists in organization \"\(organization)\": choose another name")
    }
    let app = App(
      organization: organization, clientID: clientID, registration: registration, secretDigest: digest,
      authorship: Authorship(at: tx.now, by: actor))
    try await write(app, in: tx)
    if let defaultPolicy {
      try await assign(organization, app.identity, .policy(defaultPolicy), by: actor, in: tx)
    }
    return app
  }

  /// Update (AppsService): replaces the registration; the secret stays.
  static func updateApp(
    _ organization: Organization, clientID: String, _ registration: AppRegistration, by actor: Identity, in tx: StoreTransaction
  ) async throws -> App {
    try registration.validate()
    var app = try await storedApp(organization, clientID, in: tx)
    guard app.registration != registration else { return app }
    app.registration = registration
    app.authorship = app.authorship.updated(at: tx.now, by: actor)
    try await write(app, in: tx)
    return app
  }

  /// Delete (AppsService): removes the application and its assignment (not the last
  /// administrator's).
  static func deleteApp(_ organization: Organization, clientID: String, in tx: StoreTransaction) async throws {
    let app = try await storedApp(organization, clientID, in: tx)
    try await guarded(organization, "deleting app \"\(clientID)\"", in: tx) { $0.assignments[app.identity] = nil }
    try await remove(app.key, in: tx)
  }

  static func storedApp(_ organization: Organization, _ clientID: String, in tx: StoreTransaction) async throws -> App {
    guard let app = try await read(AccessKey(.app, organization, clientID), App.self, in: tx) else {
      throw notFound("app \"\(clientID)\"", organization, "list API keys with flyte get api-key")
    }
    return app
  }
}
