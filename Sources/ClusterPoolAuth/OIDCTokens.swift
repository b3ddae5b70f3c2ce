public import RPCCore
internal import Synchronization

/// Verifies the tokens of an external OpenID Connect provider (``OIDCConfiguration``) with
/// its current key set: a JWS of `alg` RS256 or ES256 whose key (by `kid`) is in the set, a
/// valid signature, `iss` the provider's issuer exactly, `aud` naming the configured audience,
/// `exp`/`nbf`/`iat` within the clock skew, and a `sub`. A `kid` missing from the set asks
/// for the set to be fetched again (``whenKeyUnknown(_:)``; the fetcher rate-limits) and
/// is refused meanwhile. Verified tokens are cached, by a SHA-256 of the token, with the
/// caller they resolved to, until they expire.
public final class OIDCTokens: Sendable {
  /// A provider's token verified: who it names.
  public struct Person: Sendable, Hashable {
    /// `sub`.
    public var subject: String
    /// `email`, unless absent or `email_verified` is false.
    public var email: String?
    /// `exp`, seconds since 1970.
    public var expiresAt: Int64
  }

  public let configuration: OIDCConfiguration
  private let keys = Mutex<JSONWebKeySet?>(nil)
  private let unknownKey = Mutex<(@Sendable (String) -> Void)?>(nil)
  let cache: VerifiedTokenCache
  let clock: @Sendable () -> Int64

  public init(configuration: OIDCConfiguration, clock: @escaping @Sendable () -> Int64 = AccessTokens.systemClock) {
    self.configuration = configuration
    self.cache = VerifiedTokenCache(capacity: configuration.cacheCapacity)
    self.clock = clock
  }

  /// Makes `keySet` the provider's current keys (a cached token whose key was removed counts
  /// no more, as with our own keys).
  public func install(_ keySet: JSONWebKeySet) { keys.withLock { $0 = keySet } }

  /// The provider's current keys, if fetched.
  public var keySet: JSONWebKeySet? { keys.withLock { $0 } }

  /// Called with the `kid` of a token whose key is not in the set (the key set's fetcher).
  public func whenKeyUnknown(_ action: @escaping @Sendable (String) -> Void) { unknownKey.withLock { $0 = action } }

  /// The caller of a verified token: from the cache, else verified in full and resolved to a
  /// caller by `resolve` (the person looked up among the users), then cached.
  public func caller(
    _ token: String, resolve: (Person) throws(AuthenticationFailure) -> AuthenticatedCaller
  ) throws(AuthenticationFailure) -> AuthenticatedCaller {
    try caller(token, digest: VerifiedTokenCache.Key(token), resolve: resolve)
  }

  /// The caller of a token verified before, by its digest; nil when not cached (or expired).
  func cachedCaller(_ digest: VerifiedTokenCache.Key) -> AuthenticatedCaller? {
    cache.caller(for: digest, now: clock() - configuration.clockSkew, keyVerifies: keyIsCurrent)
  }

  func caller(
    _ token: String, digest: VerifiedTokenCache.Key, resolve: (Person) throws(AuthenticationFailure) -> AuthenticatedCaller
  ) throws(AuthenticationFailure) -> AuthenticatedCaller {
    let now = clock()
    if let caller = cache.caller(for: digest, now: now - configuration.clockSkew, keyVerifies: keyIsCurrent) {
      return caller
    }
    let (person, kid) = try verifyNamingKey(token, now: now)
    let caller = try resolve(person)
    cache.insert(caller, keyID: kid, for: digest, now: now - configuration.clockSkew)
    return caller
  }

  /// Whether the provider's current keys still hold the key `kid` (a cached token counts while
  /// so); a token that named no key counts while any keys are loaded.
  private func keyIsCurrent(_ kid: String) -> Bool {
    guard let keySet else { return false }
    return kid.isEmpty || keySet.contains(id: kid)
  }

  /// Full verification of one token (no cache).
  public func verify(_ token: String, now: Int64) throws(AuthenticationFailure) -> Person {
    try verifyNamingKey(token, now: now).0
  }

  /// `verify(_:now:)` and the `kid` of the key that verified it.
  private func verifyNamingKey(_ token: String, now: Int64) throws(AuthenticationFailure) -> (Person, String) {
    let jws = try CompactJWS(token, maxSize: AccessTokens.maxTokenSize)
    guard case .string(let alg)? = jws.header["alg"] else { throw .malformed("the header has no alg") }
    guard alg == "RS256" || alg == "ES256" else { throw .providerAlgorithm(alg) }
    let kid = jws.header["kid"]?.stringValue
    guard let keySet = keySet else { throw .providerKeysMissing }
    guard let key = keySet.key(id: kid, algorithm: alg) else {
      let name = kid.map { $0.count > 64 ? String($0.prefix(64)) + "…" : $0 } ?? "(none)"
      if let kid, keySet.contains(id: kid) { throw .malformed("the provider's key \(name) does not sign \(alg)") }
      if let kid { unknownKey.withLock { $0 }?(kid) }
      throw .unknownProviderKey(name)
    }
    guard key.verify(jws.signature, over: jws.signingInput.utf8) else { throw .badSignature }
    let exp = try jws.checkTimes(now: now, skew: configuration.clockSkew)
    guard case .string(let iss)? = jws.claims["iss"] else { throw .claim("no iss") }
    guard iss == configuration.issuer else { throw .wrongIssuer(iss.count > 200 ? String(iss.prefix(200)) + "…" : iss) }
    guard jws.names(audience: configuration.audience) else { throw .wrongAudience }
    guard case .string(let sub)? = jws.claims["sub"], !sub.isEmpty, sub.utf8.count <= 255 else { throw .claim("no sub") }
    var email = jws.claims["email"]?.stringValue
    if case .bool(false)? = jws.claims["email_verified"] { email = nil }
    return (Person(subject: sub, email: email?.isEmpty == false ? email : nil, expiresAt: exp), kid ?? "")
  }
}
