@testable import ClusterPoolAuth
import ClusterPoolStore
import Synchronization
import Testing

@Suite struct OIDCTokensTests {
  let clock = TestClock()
  let keys = ProviderKeys.shared
  static let issuer = "https://idp.example"

  func provider() throws -> OIDCTokens {
    let tokens = OIDCTokens(
      configuration: OIDCConfiguration(issuer: Self.issuer, audience: "pools-api", clockSkew: 60), clock: clock.closure)
    tokens.install(try JSONWebKeySet(json: Array(#"{"keys":[\#(keys.rsaJWK(kid: "r1")),\#(keys.ecJWK(kid: "e1"))]}"#.utf8)))
    return tokens
  }

  func claims(
    iss: String = issuer, aud: String = #""pools-api""#, sub: String = "u-1", exp: Int64? = nil, extra: String = ""
  ) -> String {
    #"{"iss":"\#(iss)","aud":\#(aud),"sub":"\#(sub)","exp":\#(exp ?? clock.now + 600),"iat":\#(clock.now)\#(extra)}"#
  }

  func failure(_ tokens: OIDCTokens, _ token: String) -> AuthenticationFailure? {
    do {
      _ = try tokens.verify(token, now: clock.now)
      return nil
    } catch {
      return error
    }
  }

  @Test func rs256AndES256TokensVerifyToTheirPerson() throws {
    let tokens = try provider()
    let rs = try tokens.verify(
      keys.token(alg: "RS256", kid: "r1", claims: claims(extra: #","email":"Ada@Example.com","email_verified":true"#)), now: clock.now)
    #expect(rs == OIDCTokens.Person(subject: "u-1", email: "Ada@Example.com", expiresAt: clock.now + 600))
    let es = try tokens.verify(keys.token(alg: "ES256", kid: "e1", claims: claims(aud: #"["x","pools-api"]"#)), now: clock.now)
    #expect(es.subject == "u-1" && es.email == nil)
    let unverified = try tokens.verify(
      keys.token(kid: "r1", claims: claims(extra: #","email":"a@b.c","email_verified":false"#)), now: clock.now)
    #expect(unverified.email == nil)
  }

  @Test func claimsAndTimesAreChecked() throws {
    let tokens = try provider()
    #expect(failure(tokens, keys.token(kid: "r1", claims: claims(aud: #""other""#))) == .wrongAudience)
    #expect(failure(tokens, keys.token(kid: "r1", claims: claims(iss: "https://evil.example"))) == .wrongIssuer("https://evil.example"))
    let expired = clock.now - 61
    #expect(failure(tokens, keys.token(kid: "r1", claims: claims(exp: expired))) == .expired(at: expired))
    #expect(failure(tokens, keys.token(kid: "r1", claims: claims(exp: clock.now - 30))) == nil)  // within the leeway
    let later = clock.now + 120
    #expect(failure(tokens, keys.token(kid: "r1", claims: claims(extra: #","nbf":\#(later)"#))) == .notYetValid(from: later))
    #expect(failure(tokens, keys.token(kid: "r1", claims: claims(sub: ""))) == .claim("no sub"))
  }

  @Test func signaturesKeysAndAlgorithmsAreChecked() throws {
    let tokens = try provider()
    let asked = Mutex<[String]>([])
    tokens.whenKeyUnknown { kid in asked.withLock { $0.append(kid) } }
    // signed by another key under a published kid
    #expect(failure(tokens, ProviderKeys.other.token(kid: "r1", claims: claims())) == .badSignature)
    #expect(failure(tokens, ProviderKeys.other.token(alg: "ES256", kid: "e1", claims: claims())) == .badSignature)
    #expect(asked.withLock { $0 }.isEmpty)
    // an unknown kid asks for the key set again
    #expect(failure(tokens, keys.token(kid: "r2", claims: claims())) == .unknownProviderKey("r2"))
    #expect(asked.withLock { $0 } == ["r2"])
    #expect(failure(tokens, keys.token(alg: "HS256", kid: "r1", claims: claims())) == .providerAlgorithm("HS256"))
    #expect(failure(tokens, keys.token(alg: "none", kid: "r1", claims: claims())) == .providerAlgorithm("none"))
    #expect(failure(tokens, keys.token(alg: "ES256", kid: "r1", claims: claims())) == .malformed("the provider's key r1 does not sign ES256"))
    // once the key set has the new key, its tokens verify
    tokens.install(try JSONWebKeySet(json: Array(#"{"keys":[\#(ProviderKeys.other.rsaJWK(kid: "r2"))]}"#.utf8)))
    #expect(failure(tokens, ProviderKeys.other.token(kid: "r2", claims: claims())) == nil)
  }

  @Test func withoutKeysEveryTokenIsRefused() {
    let tokens = OIDCTokens(configuration: OIDCConfiguration(issuer: Self.issuer, audience: "pools-api"), clock: clock.closure)
    #expect(failure(tokens, keys.token(kid: "r1", claims: claims())) == .providerKeysMissing)
  }

  @Test func callersAreCachedUntilTheTokenExpires() throws {
    let tokens = try provider()
    let resolved = Mutex(0)
    let token = keys.token(kid: "r1", claims: claims(exp: clock.now + 100))
    let resolve: (OIDCTokens.Person) throws(AuthenticationFailure) -> AuthenticatedCaller = { person in
      resolved.withLock { $0 += 1 }
      return AuthenticatedCaller(organization: "acme", identity: .user(subject: person.subject), expiresAt: person.expiresAt)
    }
    #expect(try tokens.caller(token, resolve: resolve).identity == .user(subject: "u-1"))
    #expect(try tokens.caller(token, resolve: resolve).organization == "acme")
    #expect(resolved.withLock { $0 } == 1)
    clock.advance(200)  // past exp and the leeway
    #expect(throws: AuthenticationFailure.expired(at: clock.now - 100)) { try tokens.caller(token, resolve: resolve) }
  }
}

/// The people of the bearer test: users by subject, some deleted.
final class TestPeople: UserDirectory {
  let deleted = Mutex<Set<String>>([])
  func user(_ person: OIDCTokens.Person) throws(AuthenticationFailure) -> AuthenticatedCaller {
    guard person.email == "ada@example.com" else { throw .unknownPerson("no user \(person.subject)") }
    return AuthenticatedCaller(organization: "acme", identity: .user(subject: "ada@example.com"), expiresAt: person.expiresAt)
  }
  func userExists(organization: String, subject: String) -> Bool { !deleted.withLock { $0.contains(subject) } }
}

@Suite struct BearerWithProviderTests {
  @Test func jwtsGoToTheirIssuerAndADeletedUserStopsAtOnce() async throws {
    let clock = TestClock()
    let keys = ProviderKeys.shared
    let config = TokenConfiguration(issuer: "https://cp.example", audience: "clusterpool")
    let keyring = SigningKeyring(store: InMemorySigningKeyStore(), verifyRetiredFor: 3660)
    try await keyring.load(now: clock.now)
    let ours = AccessTokens(configuration: config, keyring: keyring, clock: clock.closure)
    let oidc = OIDCTokens(configuration: OIDCConfiguration(issuer: "https://idp.example", audience: "pools-api"), clock: clock.closure)
    oidc.install(try JSONWebKeySet(json: Array(#"{"keys":[\#(keys.rsaJWK(kid: "r1"))]}"#.utf8)))
    let people = TestPeople()
    let bearer = BearerAuthenticator(tokens: ours, apiKeys: nil, oidc: oidc, people: people, required: [])
    func claims(_ iss: String, _ email: String) -> String {
      #"{"iss":"\#(iss)","aud":"pools-api","sub":"idp|1","email":"\#(email)","exp":\#(clock.now + 600)}"#
    }
    func failure(_ token: String) -> AuthenticationFailure? {
      do throws(AuthenticationFailure) {
        _ = try bearer.caller(bearer: token)
        return nil
      } catch {
        return error
      }
    }

    let app = AuthenticatedCaller(organization: "acme", identity: .application(subject: "ci"))
    #expect(try bearer.caller(bearer: ours.issue(for: app).token).identity == .application(subject: "ci"))
    let person = keys.token(kid: "r1", claims: claims("https://idp.example", "ada@example.com"))
    #expect(try bearer.caller(bearer: person).identity == .user(subject: "ada@example.com"))
    #expect(try bearer.caller(bearer: person).organization == "acme")  // cached
    #expect(failure(keys.token(kid: "r1", claims: claims("https://idp.example", "eve@example.com"))) == .unknownPerson("no user idp|1"))
    #expect(failure(keys.token(kid: "r1", claims: claims("https://third.example", "ada@example.com"))) == .wrongIssuer("https://third.example"))
    people.deleted.withLock { _ = $0.insert("ada@example.com") }
    #expect(failure(person) == .unknownPerson("the user ada@example.com of this token was deleted"))
  }
}
