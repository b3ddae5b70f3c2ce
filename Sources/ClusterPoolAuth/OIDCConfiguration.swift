/// An external OpenID Connect provider whose tokens name people (`--oidc-issuer` and its
/// companions): what its tokens must say, and what the server tells clients of it.
public struct OIDCConfiguration: Sendable {
  /// The provider's issuer, exactly as its tokens' `iss` and its discovery document say.
  public var issuer: String
  /// The audience its tokens must name in `aud` (the provider's id of this API or client).
  public var audience: String
  /// The public client id the official CLI uses for Pkce and DeviceFlow.
  public var clientID: String
  /// The redirect URI given to Pkce clients.
  public var redirectURI: String
  /// The scopes clients ask the provider for.
  public var scopes: [String]
  /// Seconds of clock difference tolerated on `exp`, `nbf` and `iat`. Default 60.
  public var clockSkew: Int64
  /// Verified tokens remembered at most (each until it expires). Default 10,000.
  public var cacheCapacity: Int

  public init(
    issuer: String, audience: String, clientID: String = "", redirectURI: String = "http://localhost:53593/callback",
    scopes: [String] = ["openid", "email", "offline_access"], clockSkew: Int64 = 60, cacheCapacity: Int = 10_000
  ) {
    self.issuer = issuer
    self.audience = audience
    self.clientID = clientID
    self.redirectURI = redirectURI
    self.scopes = scopes
    self.clockSkew = clockSkew
    self.cacheCapacity = cacheCapacity
  }

  /// The URL of the provider's discovery document (OpenID Connect Discovery 1.0 section 4).
  public var discoveryURL: String {
    (issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer) + "/.well-known/openid-configuration"
  }
}
