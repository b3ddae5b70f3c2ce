@testable import ClusterPoolAuth
import ClusterPoolDomain
import ClusterPoolStore
import RPCCore
import Testing

/// What an issued token carries (only what verification reads: every call sends the whole
/// token), and tokens of the earlier, longer shape still verifying.
@Suite struct AccessTokenShapeTests {
  let clock = TestClock()
  let caller = AuthenticatedCaller(organization: "acme", identity: .application(subject: "ci-bot"))

  func tokens() async throws -> AccessTokens {
    let config = TokenConfiguration(issuer: "https://cp.example", audience: "clusterpool", lifetime: 3600, clockSkew: 60)
    let keyring = SigningKeyring(store: InMemorySigningKeyStore(), verifyRetiredFor: config.lifetime + config.clockSkew)
    try await keyring.load(now: clock.now)
    return AccessTokens(configuration: config, keyring: keyring, clock: clock.closure)
  }

  func names(_ part: Substring) throws -> [String] {
    guard case .object(let members) = try JSONValue(parsing: try #require(Base64URL.decode(part))) else { return [] }
    return members.map(\.0)
  }

  /// A token signed by `tokens`' key with `header` and `claims` as given.
  func signed(_ tokens: AccessTokens, header: JSONValue, claims: JSONValue) throws -> String {
    let key = try #require(tokens.keyring.signingKey)
    let input = Base64URL.encode(Array(header.encoded.utf8)) + "." + Base64URL.encode(Array(claims.encoded.utf8))
    return input + "." + Base64URL.encode(try key.sign(Array(input.utf8)))
  }

  @Test func anIssuedTokenCarriesOnlyWhatVerificationReads() async throws {
    let tokens = try await tokens()
    let token = try tokens.issue(for: caller).token
    let parts = token.split(separator: ".")
    #expect(try names(parts[0]) == ["alg", "kid"])
    #expect(try names(parts[1]) == ["iss", "aud", "sub", "org", "sub_kind", "iat", "exp"])
    #expect(token.utf8.count <= 330, "\(token.utf8.count) bytes")
  }

  @Test func tokensOfTheEarlierShapeStillVerifyAndTheirNbfCounts() async throws {
    let tokens = try await tokens()
    let kid = try #require(tokens.keyring.signingKey).id
    let now = clock.now
    func old(nbf: Int64) -> JSONValue {
      .object([
        ("iss", .string("https://cp.example")), ("aud", .string("clusterpool")), ("sub", .string("ci-bot")),
        ("org", .string("acme")), ("sub_kind", .string("app")), ("iat", .number(Double(now))),
        ("nbf", .number(Double(nbf))), ("exp", .number(Double(now + 3600))), ("jti", .string("AAECAwQFBgcICQoL")),
      ])
    }
    let header = JSONValue.object([("alg", .string("ES256")), ("typ", .string("at+jwt")), ("kid", .string(kid))])
    let verified = try tokens.verify(try signed(tokens, header: header, claims: old(nbf: now)))
    #expect(verified.identity == caller.identity && verified.organization == "acme" && verified.expiresAt == now + 3600)
    let later = try signed(tokens, header: header, claims: old(nbf: now + 120))
    #expect(throws: AuthenticationFailure.notYetValid(from: now + 120)) { try tokens.verify(later) }
    let badType = JSONValue.object([("alg", .string("ES256")), ("typ", .string("JOSE+JSON")), ("kid", .string(kid))])
    let typed = try signed(tokens, header: badType, claims: old(nbf: now))
    #expect(throws: AuthenticationFailure.malformed("header typ is not JWT")) { try tokens.verify(typed) }
  }
}
