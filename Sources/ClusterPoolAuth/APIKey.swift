/// An API key as the official client carries it (`FLYTE_API_KEY`, or a bearer token printed
/// by an `ExternalCommand`): `base64("endpoint:client_id:client_secret:org")`. Read from the
/// right, so an endpoint holding colons (`dns:///host:443`) still parses: client ids, secrets
/// and organizations hold none.
public struct APIKey: Sendable, Hashable {
  public var endpoint: String
  public var clientID: String
  public var secret: String
  /// The organization the key names; `None` or empty for none.
  public var organization: String

  /// The key `text` encodes, `nil` when it is not one. Read as bytes (no Foundation, no
  /// grapheme breaking): an API key used as the bearer is read on every call.
  public init?(_ text: String) {
    guard text.utf8.count <= 4096, let bytes = Base64URL.decodeStandard(text.utf8),
      let decoded = String(validating: bytes, as: UTF8.self)
    else { return nil }
    let utf8 = decoded.utf8, colon = UInt8(ascii: ":")
    guard let third = utf8.lastIndex(of: colon), let second = utf8[..<third].lastIndex(of: colon),
      let first = utf8[..<second].lastIndex(of: colon)
    else { return nil }
    let after = { utf8.index(after: $0) }
    guard after(first) < second, after(second) < third else { return nil }  // a client id and a secret
    endpoint = String(decoded[..<first])
    clientID = String(decoded[after(first)..<second])
    secret = String(decoded[after(second)..<third])
    organization = String(decoded[after(third)...])
  }
}

/// Checks an API key sent directly as a bearer token, on the call's event loop: the identity
/// store's apps (their secret digests are in memory). Implemented with the token endpoint's
/// `ClientCredentialVerifier` by the server.
public protocol APIKeyVerifier: Sendable {
  /// The app the client id and secret belong to, or why not (`.invalidClient`).
  func authenticateAPIKey(clientID: String, secret: String) throws(AuthenticationFailure) -> AuthenticatedCaller

  /// Whether the app a token names still exists: deleting an API key revokes the tokens it got.
  func appExists(organization: String, clientID: String) -> Bool
}
