import ArgumentParser
import ClusterPoolAuth
import ClusterPoolDomain
import ClusterPoolStore

/// `clusterpool-load verify-tokens`: what authenticating one call costs, in process (never a
/// test): a full ES256 verification (a fresh token each time, so nothing is cached) against a
/// cache hit (the same token again), per call on one core.
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
  }
}
