/// Checks an OAuth2 client's credentials (an API key's client id and secret): the identity
/// store implements it (apps with hashed secrets). The token endpoint and API keys sent as
/// bearer tokens go through it.
public protocol ClientCredentialVerifier: Sendable {
  /// The organization and app the credentials belong to, or why they do not authenticate
  /// (`.invalidClient` naming the cause, never the secret).
  func authenticateClient(id: String, secret: String) async throws(AuthenticationFailure) -> AuthenticatedCaller
}
