public import RPCCore

/// Where clients find this server's token endpoint and keys: the fields of RFC 8414
/// authorization-server metadata (and of `GetOAuth2MetadataResponse`), made from the base URL
/// a client reached the server by.
public struct AuthorizationServerMetadata: Sendable, Hashable {
  /// The token endpoint's path on the server's port.
  public static let tokenPath = "/oauth2/token"
  /// The JWKS's path.
  public static let jwksPath = "/oauth2/jwks"
  /// The RFC 8414 metadata document's path.
  public static let wellKnownPath = "/.well-known/oauth-authorization-server"

  public var issuer: String
  public var tokenEndpoint: String
  public var jwksURI: String
  public var grantTypesSupported = ["client_credentials"]
  public var tokenEndpointAuthMethodsSupported = ["client_secret_basic", "client_secret_post"]
  public var responseTypesSupported = ["token"]
  public var scopesSupported = ["all"]

  /// The metadata of a server reached at `baseURL` (`https://host:port`, no trailing slash)
  /// whose tokens carry `issuer`.
  public init(issuer: String, baseURL: String) {
    let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
    self.issuer = issuer
    self.tokenEndpoint = base + Self.tokenPath
    self.jwksURI = base + Self.jwksPath
  }

  /// The RFC 8414 JSON document.
  public var json: JSONValue {
    func strings(_ list: [String]) -> JSONValue { .array(list.map { .string($0) }) }
    return .object([
      ("issuer", .string(issuer)), ("token_endpoint", .string(tokenEndpoint)), ("jwks_uri", .string(jwksURI)),
      ("grant_types_supported", strings(grantTypesSupported)),
      ("token_endpoint_auth_methods_supported", strings(tokenEndpointAuthMethodsSupported)),
      ("response_types_supported", strings(responseTypesSupported)),
      ("scopes_supported", strings(scopesSupported)),
    ])
  }
}

extension SigningKeyring {
  /// The JWK Set (RFC 7517 section 5) of every public key that verifies at `now`.
  public func jwks(now: Int64) -> JSONValue {
    .object([
      ("keys", .array(verificationKeys(now: now).map { key in .object(key.publicJWK.map { ($0.0, .string($0.1)) }) }))
    ])
  }
}
