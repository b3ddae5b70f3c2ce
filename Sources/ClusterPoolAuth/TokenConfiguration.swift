/// How access tokens are issued and checked.
public struct TokenConfiguration: Sendable {
  /// `iss` of every token issued, and the only one accepted.
  public var issuer: String
  /// `aud` of every token issued, and the audience a token must name.
  public var audience: String
  /// Seconds an issued token is valid. Default 3600 (1 h).
  public var lifetime: Int64
  /// Seconds of clock difference tolerated on `exp`, `nbf` and `iat`. Default 60.
  public var clockSkew: Int64
  /// Verified tokens remembered at most (each until it expires). Default 10,000.
  public var cacheCapacity: Int

  public init(
    issuer: String, audience: String, lifetime: Int64 = 3600, clockSkew: Int64 = 60,
    cacheCapacity: Int = 10_000
  ) {
    self.issuer = issuer
    self.audience = audience
    self.lifetime = lifetime
    self.clockSkew = clockSkew
    self.cacheCapacity = cacheCapacity
  }
}
