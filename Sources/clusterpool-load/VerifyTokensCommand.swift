import ArgumentParser
import ClusterPoolAuth
import ClusterPoolDomain
import ClusterPoolStore
import Crypto
import Foundation
import _CryptoExtras

/// `clusterpool-load verify-tokens`: what authenticating one call costs, in process (never a
/// test): a full ES256 verification (a fresh token each time, so nothing is cached) against a
/// cache hit (the same token again), per call on one core; then through the bearer
/// authenticator with an OpenID Connect provider configured, ours cached and the provider's
/// RS256 tokens uncached and cached.
struct VerifyTokensCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "verify-tokens", abstract: "Measure access-token verification: uncached (ES256) vs cached.")

  @Option(help: "Verifications of each kind.")
  var count = 2000

  func run() async throws {
    let configuration = TokenConfiguration(issuer: "bench", audience: "clusterpool", cacheCapacity: count * 2)
    let keyring = SigningKeyring(store: InMemorySigningKeyStore(), verifyRetiredFor: 3660)
    try await keyring.load(now: AccessTokens.systemClock())
    let tokens = AccessTokens(configuration: configuration, keyring: keyring)
    let caller = AuthenticatedCaller(organization: "acme", identity: .application(subject: "bench"))
    let fresh = try (0..<count).map { _ in try tokens.issue(for: caller).token }
    let clock = ContinuousClock()
    let cold = try clock.measure { for token in fresh { _ = try tokens.verify(token) } }
    let warm = try clock.measure { for token in fresh { _ = try tokens.verify(token) } }
    let issue = try clock.measure { for _ in 0..<count { _ = try tokens.issue(for: caller) } }
    func perCall(_ duration: Duration) -> String {
      let micros = Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
      return String(Int((micros / Double(count)).rounded())) + " µs"
    }
    print("verify uncached (ES256): \(perCall(cold)) per token; cached: \(perCall(warm)); issue: \(perCall(issue)) (\(count) each)")

    // the bearer path with a provider: ours (cached) and the provider's RS256 tokens
    let rsa = try _RSA.Signing.PrivateKey(keySize: .bits2048)
    let primitives = try rsa.publicKey.getKeyPrimitives()
    func b64(_ data: some Sequence<UInt8>) -> String {
      Data(data).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
    }
    let oidc = OIDCTokens(configuration: OIDCConfiguration(issuer: "https://idp.bench", audience: "pools", cacheCapacity: count * 2))
    oidc.install(try JSONWebKeySet(json: Array(#"{"keys":[{"kty":"RSA","kid":"k1","n":"\#(b64(primitives.modulus))","e":"\#(b64(primitives.publicExponent))"}]}"#.utf8)))
    let now = AccessTokens.systemClock()
    let people = try (0..<count).map { index in
      let input = b64(Array(#"{"alg":"RS256","kid":"k1"}"#.utf8)) + "."
        + b64(Array(#"{"iss":"https://idp.bench","aud":"pools","sub":"u\#(index)","exp":\#(now + 600)}"#.utf8))
      return input + "." + b64(try rsa.signature(for: Data(input.utf8), padding: .insecurePKCS1v1_5).rawRepresentation)
    }
    let bearer = BearerAuthenticator(tokens: tokens, apiKeys: nil, oidc: oidc, people: BenchPeople(), required: [])
    let plain = BearerAuthenticator(tokens: tokens, apiKeys: nil, required: [])
    let oursAlone = try clock.measure { for token in fresh { _ = try plain.caller(bearer: token) } }
    let oursThrough = try clock.measure { for token in fresh { _ = try bearer.caller(bearer: token) } }
    let peopleCold = try clock.measure { for token in people { _ = try bearer.caller(bearer: token) } }
    let peopleWarm = try clock.measure { for token in people { _ = try bearer.caller(bearer: token) } }
    print("bearer, ours cached: \(perCall(oursAlone)) without a provider, \(perCall(oursThrough)) with one; provider RS256 uncached \(perCall(peopleCold)), cached \(perCall(peopleWarm))")
  }
}

/// Every person is a user of `acme`.
struct BenchPeople: UserDirectory {
  func user(_ person: OIDCTokens.Person) throws(AuthenticationFailure) -> AuthenticatedCaller {
    AuthenticatedCaller(organization: "acme", identity: .user(subject: person.subject), expiresAt: person.expiresAt)
  }
  func userExists(organization: String, subject: String) -> Bool { true }
}
