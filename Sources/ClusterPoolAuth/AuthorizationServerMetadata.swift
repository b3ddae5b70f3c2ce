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
  /// The OpenID Connect provider's authorization endpoint (Pkce), empty without one.
  public var authorizationEndpoint = ""
  /// The provider's device authorization endpoint (DeviceFlow), empty without one.
  public var deviceAuthorizationEndpoint = ""
  public var codeChallengeMethodsSupported: [String] = []

  /// The metadata of a server reached at `baseURL` (`https://host:port`, no trailing slash)
  /// whose tokens carry `issuer`.
  public init(issuer: String, baseURL: String) {
    let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
    self.issuer = issuer
    self.tokenEndpoint = base + Self.tokenPath
    self.jwksURI = base + Self.jwksPath
  }

  /// This metadata with the people's flows of an OpenID Connect provider: its authorization
  /// and device authorization endpoints, the grants our token endpoint passes on to it, and
  /// its scopes. The token endpoint stays ours (it serves apps and relays people).
  public func with(provider: OIDCProviderMetadata, scopes: [String]) -> Self {
    var metadata = self
    metadata.authorizationEndpoint = provider.authorizationEndpoint
    metadata.deviceAuthorizationEndpoint = provider.deviceAuthorizationEndpoint
    metadata.grantTypesSupported = ["client_credentials", "authorization_code", "refresh_token"]
    if !provider.deviceAuthorizationEndpoint.isEmpty {
      metadata.grantTypesSupported.append("urn:ietf:params:oauth:grant-type:device_code")
    }
    metadata.tokenEndpointAuthMethodsSupported.append("none")
    metadata.responseTypesSupported = ["code", "token"]
    metadata.codeChallengeMethodsSupported = ["S256"]
    metadata.scopesSupported = scopesSupported + scopes.filter { !scopesSupported.contains($0) }
    return metadata
  }

  /// The RFC 8414 JSON document.
  public var json: JSONValue {
    func strings(_ list: [String]) -> JSONValue { .array(list.map { .string($0) }) }
    var members: [(String, JSONValue)] = [
      ("issuer", .string(issuer)), ("token_endpoint", .string(tokenEndpoint)), ("jwks_uri", .string(jwksURI)),
      ("grant_types_supported", strings(grantTypesSupported)),
      ("token_endpoint_auth_methods_supported", strings(tokenEndpointAuthMethodsSupported)),
      ("response_types_supported", strings(responseTypesSupported)),
      ("scopes_supported", strings(scopesSupported)),
    ]
    if !authorizationEndpoint.isEmpty { members.append(("authorization_endpoint", .string(authorizationEndpoint))) }
    if !deviceAuthorizationEndpoint.isEmpty {
      members.append(("device_authorization_endpoint", .string(deviceAuthorizationEndpoint)))
    }
    if !codeChallengeMethodsSupported.isEmpty {
      members.append(("code_challenge_methods_supported", strings(codeChallengeMethodsSupported)))
    }
    return .object(members)
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
