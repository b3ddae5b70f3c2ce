public import ClusterPoolDomain
internal import Crypto
public import RPCCore

#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Darwin)
  internal import Darwin
#endif

/// Issues and verifies the server's access tokens: JWS compact serializations (RFC 7515) of
/// JWT claims (RFC 7519) signed ES256 by the keyring's newest key, `kid` in the header.
/// Claims: `iss`, `aud`, `sub`, `exp`, `iat`, and ours: `org` (the organization) and
/// `sub_kind` (`user` or `app`); nothing verification does not read (no `typ`, `nbf` or `jti`:
/// every call carries the whole token, and HTTP/2 clients never index `authorization`).
///
/// Verification is strict: exactly three parts, a header of `typ` JWT/at+jwt (or none),
/// `alg` ES256 (the keys' algorithm: `none` and every other value refused), a known `kid`,
/// a valid signature, then the exact issuer, the audience, and `exp`/`nbf`/`iat` within the
/// clock skew. Verified tokens are cached (`VerifiedTokenCache`) until they expire, each while
/// the key that verified it still verifies.
public final class AccessTokens: Sendable {
  /// The longest token accepted at all, in bytes: ours are about 400.
  static let maxTokenSize = 8192
  public let configuration: TokenConfiguration
  public let keyring: SigningKeyring
  let cache: VerifiedTokenCache
  let clock: @Sendable () -> Int64

  /// Tokens over `keyring` (loaded); `clock` gives seconds since 1970 (the system's by default).
  public init(
    configuration: TokenConfiguration, keyring: SigningKeyring,
    clock: @escaping @Sendable () -> Int64 = AccessTokens.systemClock
  ) {
    self.configuration = configuration
    self.keyring = keyring
    self.cache = VerifiedTokenCache(capacity: configuration.cacheCapacity)
    self.clock = clock
  }

  /// Seconds since 1970 now, by the clock tokens are issued and checked by.
  public var now: Int64 { clock() }

  /// Seconds since 1970 by the system clock.
  public static let systemClock: @Sendable () -> Int64 = { WallClock.secondsSince1970() }

  /// A new token for `caller`, valid for the configured lifetime: the token and its lifetime
  /// in seconds (the token endpoint's `expires_in`).
  public func issue(for caller: AuthenticatedCaller) throws -> (token: String, expiresIn: Int64) {
    guard let key = keyring.signingKey else { throw SigningKeyError(message: "no signing key loaded") }
    let now = clock()
    let expires = now + configuration.lifetime
    let header = JSONValue.object([("alg", .string("ES256")), ("kid", .string(key.id))])
    let claims = JSONValue.object([
      ("iss", .string(configuration.issuer)), ("aud", .string(configuration.audience)),
      ("sub", .string(caller.identity.subject)), ("org", .string(caller.organization)),
      ("sub_kind", .string(Self.kind(of: caller.identity))),
      ("iat", .number(Double(now))), ("exp", .number(Double(expires))),
    ])
    let signingInput = Base64URL.encode(Array(header.encoded.utf8)) + "." + Base64URL.encode(Array(claims.encoded.utf8))
    let signature = try key.sign(Array(signingInput.utf8))
    return (signingInput + "." + Base64URL.encode(signature), configuration.lifetime)
  }

  /// The caller a token names, from the cache when it was verified before and has not
  /// expired; else verified in full (and cached).
  public func verify(_ token: String) throws(AuthenticationFailure) -> AuthenticatedCaller {
    try verify(token, digest: VerifiedTokenCache.Key(token))
  }

  /// The caller of a token verified before, by its digest, while it is unexpired and its key
  /// still verifies; nil otherwise (or when no longer cached).
  func cachedCaller(_ digest: VerifiedTokenCache.Key) -> AuthenticatedCaller? {
    let now = clock()
    return cache.caller(
      for: digest, now: now - configuration.clockSkew, keyVerifies: { keyring.verificationKey($0, now: now) != nil })
  }

  /// `verify(_:)` with the token's digest computed by the caller (shared with the OIDC cache).
  func verify(_ token: String, digest: VerifiedTokenCache.Key) throws(AuthenticationFailure) -> AuthenticatedCaller {
    let now = clock()
    if let caller = cachedCaller(digest) { return caller }
    let (caller, kid) = try verifyUncached(token, now: now)
    cache.insert(caller, keyID: kid, for: digest, now: now - configuration.clockSkew)
    return caller
  }

  static func kind(of identity: Identity) -> String {
    switch identity {
    case .user: "user"
    case .application: "app"
    }
  }
}

/// The wall clock, apart so the rest of the module needs no Foundation.
enum WallClock {
  static func secondsSince1970() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return Int64(spec.tv_sec)
  }
}
