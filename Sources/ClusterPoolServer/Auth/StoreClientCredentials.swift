public import ClusterPoolAuth
internal import ClusterPoolDomain
public import ClusterPoolStore

/// The client-credentials check over the identity store: an app (API key) of that client id
/// whose secret's digest matches (`AccessStore.authenticateApp`, from the in-memory read
/// model), authenticated as that app in its organization. For the token endpoint and for API
/// keys sent as bearer tokens.
public struct StoreClientCredentials: ClientCredentialVerifier, APIKeyVerifier {
  public let store: any AccessStore

  public init(store: any AccessStore) { self.store = store }

  public func authenticateClient(id: String, secret: String) async throws(AuthenticationFailure) -> AuthenticatedCaller {
    try authenticateAPIKey(clientID: id, secret: secret)
  }

  public func authenticateAPIKey(clientID id: String, secret: String) throws(AuthenticationFailure) -> AuthenticatedCaller {
    guard let app = store.authenticateApp(clientID: id, secret: secret) else {
      // one answer for an unknown id and a wrong secret: the client learns nothing of which
      throw .invalidClient("unknown client id or wrong secret for \(id.count > 64 ? String(id.prefix(64)) + "…" : id)")
    }
    return AuthenticatedCaller(organization: app.organization.name, identity: app.identity)
  }

  public func appExists(organization: String, clientID: String) -> Bool {
    guard let organization = try? Organization(validating: organization) else { return false }
    return store.withSnapshot { $0.app(organization, clientID: clientID) != nil }
  }
}
