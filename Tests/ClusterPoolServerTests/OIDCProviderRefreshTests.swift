import ClusterPoolAuth
import Foundation
import Logging
import Testing

@testable import ClusterPoolServer

/// The key set of a provider read from a file (`--oidc-jwks FILE`): fetched again on a token's
/// unknown kid, at most once per gap.
@Suite struct OIDCProviderRefreshTests {
  static func jwks(_ kids: [String]) -> String {
    let p256 = #""crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0""#
    return #"{"keys":[\#(kids.map { #"{"kty":"EC","kid":"\#($0)",\#(p256)}"# }.joined(separator: ","))]}"#
  }

  func token(kid: String) -> String {
    func b64(_ text: String) -> String {
      Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
    }
    return b64(#"{"alg":"ES256","kid":"\#(kid)"}"#) + "." + b64(#"{"sub":"x"}"#) + ".c2ln"
  }

  /// Waits until the provider's keys include `kid`; the time it took.
  func waitFor(_ kid: String, _ provider: OIDCProvider) async throws -> Duration {
    let clock = ContinuousClock()
    let start = clock.now
    while provider.tokens.keySet?.contains(id: kid) != true {
      #expect(clock.now - start < .seconds(30), "key \(kid) never fetched")
      if clock.now - start >= .seconds(30) { break }
      try await Task.sleep(for: .milliseconds(20))
    }
    return clock.now - start
  }

  @Test func anUnknownKidFetchesTheSetAgainAtMostOncePerGap() async throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("oidc-jwks-\(UUID().uuidString).json")
    defer { try? FileManager.default.removeItem(at: file) }
    try Self.jwks(["k1"]).write(to: file, atomically: true, encoding: .utf8)
    let provider = try OIDCProvider(
      configuration: OIDCConfiguration(issuer: "https://idp.example", audience: "pools"), keySource: .file(file.path),
      refreshInterval: .seconds(3600), minimumRefreshGap: .seconds(1), logger: Logger(label: "test"))
    try await provider.refreshKeys()
    #expect(provider.tokens.keySet?.keys.map(\.id) == ["k1"])
    let service = Task { try await provider.run() }
    defer { service.cancel() }

    try Self.jwks(["k1", "k2"]).write(to: file, atomically: true, encoding: .utf8)
    #expect(throws: AuthenticationFailure.unknownProviderKey("k2")) { try provider.tokens.verify(token(kid: "k2"), now: 0) }
    _ = try await waitFor("k2", provider)  // the first request is served at once
    let clock = ContinuousClock()
    let second = clock.now
    try Self.jwks(["k1", "k2", "k3"]).write(to: file, atomically: true, encoding: .utf8)
    #expect(throws: AuthenticationFailure.unknownProviderKey("k3")) { try provider.tokens.verify(token(kid: "k3"), now: 0) }
    _ = try await waitFor("k3", provider)
    // not before the gap since the previous fetch (a lower bound: no machine is that fast)
    #expect(clock.now - second >= .milliseconds(900))
  }
}
