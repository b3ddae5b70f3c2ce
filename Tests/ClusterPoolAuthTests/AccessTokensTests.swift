@testable import ClusterPoolAuth
import ClusterPoolDomain
import RPCCore
import Synchronization
import ClusterPoolStore
import Testing

/// A clock the test moves.
final class TestClock: Sendable {
  let seconds: Mutex<Int64>
  init(_ start: Int64 = 1_800_000_000) { seconds = Mutex(start) }
  var now: Int64 { seconds.withLock { $0 } }
  func advance(_ by: Int64) { seconds.withLock { $0 += by } }
  var closure: @Sendable () -> Int64 { { self.now } }
}

@Suite struct AccessTokensTests {
  let clock = TestClock()
  let caller = AuthenticatedCaller(organization: "acme", identity: .application(subject: "ci-bot"))

  func tokens(
    store: any SigningKeyStore = InMemorySigningKeyStore(), issuer: String = "https://cp.example",
    audience: String = "clusterpool"
  ) async throws -> AccessTokens {
    let config = TokenConfiguration(issuer: issuer, audience: audience, lifetime: 3600, clockSkew: 60)
    let keyring = SigningKeyring(store: store, verifyRetiredFor: config.lifetime + config.clockSkew)
    try await keyring.load(now: clock.now)
    return AccessTokens(configuration: config, keyring: keyring, clock: clock.closure)
  }

  func failure(_ tokens: AccessTokens, _ token: String) -> AuthenticationFailure? {
    do {
      _ = try tokens.verify(token)
      return nil
    } catch {
      return error
    }
  }

  @Test func anIssuedTokenVerifiesToItsCaller() async throws {
    let tokens = try await tokens()
    let (token, expiresIn) = try tokens.issue(for: caller)
    #expect(expiresIn == 3600)
    let verified = try tokens.verify(token)
    #expect(verified.organization == "acme")
    #expect(verified.identity == .application(subject: "ci-bot"))
    #expect(verified.expiresAt == clock.now + 3600)
    let user = try tokens.issue(for: AuthenticatedCaller(organization: "beta", identity: .user(subject: "ana")))
    #expect(try tokens.verify(user.token).identity == .user(subject: "ana"))
  }

  @Test func anExpiredTokenIsRefusedWithItsTimeEvenWhenCached() async throws {
    let tokens = try await tokens()
    let (token, _) = try tokens.issue(for: caller)
    _ = try tokens.verify(token)  // cached now
    clock.advance(3600 + 59)
    #expect(throws: Never.self) { try tokens.verify(token) }  // within the skew
    clock.advance(1)
    let failure = failure(tokens, token)
    #expect(failure == .expired(at: clock.now - 60))
    #expect(failure?.description == "token expired at " + AuthenticationFailure.format(clock.now - 60))
  }

  @Test func aTamperedPayloadOrSignatureIsABadSignature() async throws {
    let tokens = try await tokens()
    let (token, _) = try tokens.issue(for: caller)
    let parts = token.split(separator: ".").map(String.init)
    let forged = Base64URL.encode(
      Array(#"{"iss":"https://cp.example","aud":"clusterpool","sub":"root","org":"acme","sub_kind":"app","exp":1900000000}"#.utf8))
    #expect(failure(tokens, parts[0] + "." + forged + "." + parts[2]) == .badSignature)
    var signature = Base64URL.decode(Substring(parts[2]))!
    signature[10] ^= 1
    #expect(failure(tokens, parts[0] + "." + parts[1] + "." + Base64URL.encode(signature)) == .badSignature)
  }

  @Test func algNoneAndOtherAlgorithmsAreRefused() async throws {
    let tokens = try await tokens()
    let (token, _) = try tokens.issue(for: caller)
    let parts = token.split(separator: ".").map(String.init)
    let kid = try JSONValue(parsing: Base64URL.decode(Substring(parts[0]))!)["kid"]!.stringValue!
    for alg in ["none", "HS256", "ES384", "RS256"] {
      let header = Base64URL.encode(Array(#"{"alg":"\#(alg)","kid":"\#(kid)"}"#.utf8))
      #expect(failure(tokens, header + "." + parts[1] + "." + parts[2]) == .algorithm(alg))
      #expect(failure(tokens, header + "." + parts[1] + ".") == .algorithm(alg))
    }
  }

  @Test func malformedTokensSayWhatIsWrongWithoutEchoingThem() async throws {
    let tokens = try await tokens()
    #expect(failure(tokens, "secret-looking-text") == .malformed("a JWS has 3 dot-separated parts, this has 1"))
    #expect(failure(tokens, "a.b") == .malformed("a JWS has 3 dot-separated parts, this has 2"))
    #expect(failure(tokens, "!!.b.c") == .malformed("the header is not base64url"))
    #expect(failure(tokens, Base64URL.encode(Array("[1]".utf8)) + ".b.c") == .malformed("the header is not a JSON object"))
    for text in ["secret-looking-text", "!!.b.c"] {
      #expect(!(failure(tokens, text)?.description.contains(text) ?? true))
    }
  }

  @Test func anotherServersKeyIsAnUnknownKeyAndAnotherIssuerOrAudienceIsRefused() async throws {
    let ours = try await tokens()
    let theirs = try await tokens()  // same issuer and audience, keys of its own
    let (token, _) = try theirs.issue(for: caller)
    guard case .unknownKey = failure(ours, token) else { Issue.record("expected unknown key"); return }
    let store = InMemorySigningKeyStore()
    let a = try await tokens(store: store, issuer: "https://a.example")
    let b = try await tokens(store: store, issuer: "https://b.example")
    let c = try await tokens(store: store, issuer: "https://a.example", audience: "other")
    #expect(failure(b, try a.issue(for: caller).token) == .wrongIssuer("https://a.example"))
    #expect(failure(c, try a.issue(for: caller).token) == .wrongAudience)
  }

  @Test func rotationKeepsOldTokensValidUntilTheyExpire() async throws {
    let store = InMemorySigningKeyStore()
    let tokens = try await tokens(store: store)
    let (old, _) = try tokens.issue(for: caller)
    clock.advance(600)
    let (newKey, retired) = try await tokens.keyring.rotate(now: clock.now)
    #expect(retired.count == 1 && retired[0] != newKey)
    let (new, _) = try tokens.issue(for: caller)
    #expect(kid(new) == newKey)
    #expect(kid(old) == retired[0])
    // a restarted server (same store) verifies both
    let restarted = try await self.tokens(store: store)
    #expect(throws: Never.self) { try restarted.verify(old) }
    #expect(throws: Never.self) { try restarted.verify(new) }
    #expect(restarted.keyring.jwks(now: clock.now)["keys"].map { if case .array(let k) = $0 { k.count } else { 0 } } == 2)
    // once the old key's tokens have all expired, the key no longer verifies nor is published
    clock.advance(3600 + 60)
    #expect(failure(restarted, old) == .unknownKey(retired[0]))
    let (fresh, _) = try restarted.issue(for: caller)
    #expect(kid(fresh) == newKey)
    #expect(throws: Never.self) { try restarted.verify(fresh) }
    #expect(restarted.keyring.verificationKeys(now: clock.now).map(\.id) == [newKey])
  }

  @Test func aCachedTokenStopsOnceItsKeyNoLongerVerifies() async throws {
    // a key retired past its grace (here 10 s) while its token is still unexpired: what an
    // operator gets by shortening the grace or removing a compromised key from the store
    let keyring = SigningKeyring(store: InMemorySigningKeyStore(), verifyRetiredFor: 10)
    try await keyring.load(now: clock.now)
    let tokens = AccessTokens(
      configuration: TokenConfiguration(issuer: "https://cp.example", audience: "clusterpool"), keyring: keyring, clock: clock.closure)
    let (token, _) = try tokens.issue(for: caller)
    #expect(throws: Never.self) { try tokens.verify(token) }  // verified, and cached
    let (_, retired) = try await keyring.rotate(now: clock.now)
    clock.advance(5)
    #expect(throws: Never.self) { try tokens.verify(token) }  // within the grace: still good
    clock.advance(6)
    #expect(failure(tokens, token) == .unknownKey(retired[0]))
  }

  @Test func theJWKSPublishesP256PublicKeysOnly() async throws {
    let tokens = try await tokens()
    let jwks = tokens.keyring.jwks(now: clock.now)
    guard case .array(let keys)? = jwks["keys"], case .object(let members) = keys.first else {
      Issue.record("no keys in \(jwks.encoded)")
      return
    }
    #expect(members.map(\.0) == ["kty", "crv", "use", "alg", "kid", "x", "y"])
    #expect(jwks["keys"].map { _ in keys[0]["kty"] } == .string("EC"))
    #expect(Base64URL.decode(Substring(keys[0]["x"]!.stringValue!))?.count == 32)
    #expect(!jwks.encoded.contains("\"d\""))
  }

  @Test func theCacheIsBounded() async throws {
    let cache = VerifiedTokenCache(capacity: 4)
    for index in 0..<10 {
      cache.insert(caller, keyID: "k", for: .init("token \(index)"), now: 0)
      #expect(cache.count <= 4)
    }
    #expect(cache.caller(for: .init("token 9"), now: 0, keyVerifies: { _ in true }) == caller)
  }

  func kid(_ token: String) -> String? {
    let header = token.split(separator: ".")[0]
    return (try? JSONValue(parsing: Base64URL.decode(header)!))?["kid"]?.stringValue
  }
}
