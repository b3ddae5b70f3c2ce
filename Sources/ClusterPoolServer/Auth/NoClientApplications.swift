public import ClusterPoolAuth

/// The client credentials check of a server without API keys: every client id is unknown.
/// The identity store's apps (API keys with hashed secrets) take its place once they exist.
public struct NoClientApplications: ClientCredentialVerifier {
  public init() {}

  public func authenticateClient(id: String, secret: String) async throws(AuthenticationFailure) -> AuthenticatedCaller {
    throw .invalidClient("unknown client id \(id.count > 64 ? String(id.prefix(64)) + "…" : id): this server has no API keys yet")
  }
}
