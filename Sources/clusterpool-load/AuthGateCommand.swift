import ArgumentParser
import ClusterPoolAuth
import ClusterPoolDomain
import ClusterPoolServer
import ClusterPoolStore
import Foundation
import Logging
import RPCCore

/// `clusterpool-load auth-gate`: what `--auth on` adds to one call, in process on one core
/// (never a test): the access gate's decision for a pool Get with an API key as the bearer and
/// with a token of the token endpoint (verified once, then cached), next to `--auth off`'s
/// authenticator, and a token issuance (client check and ES256 signature). `--apps` adds apps
/// in other organizations, which an API key's client id must not make it scan.
struct AuthGateCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "auth-gate", abstract: "Measure the per-call cost of authentication and authorization, in process.")

  @Option(help: "Calls of each kind.")
  var count = 200_000

  @Option(help: "Apps made in other organizations beside the caller's.")
  var apps = 0

  func run() async throws {
    let logger = Logger(label: "auth-gate", factory: { _ in SwiftLogNoOpLogHandler() })
    let store = try await PoolStore.open(
      backend: InMemoryBackend(createdAt: Timestamp(nanosecondsSinceEpoch: 0)),
      defaultPool: DefaultPoolTemplate(
        config: try ClusterPoolConfig(objectStoreURI: "s3://bench", secretStoreType: 1), createdBy: .user(subject: "bench"),
        createdAt: Timestamp(nanosecondsSinceEpoch: 0)), logger: logger)
    let acme = try Organization(validating: "acme")
    let root = Identity.user(subject: "root")
    let (_, secret) = try await store.createApp(acme, clientID: "ci", AppRegistration(), defaultPolicy: "admin", by: root)
    for index in 0..<apps {
      let organization = try Organization(validating: "org-\(index % 100)")
      _ = try await store.createApp(organization, clientID: "app-\(index)", AppRegistration(), defaultPolicy: nil, by: root)
    }
    let keyring = SigningKeyring(store: InMemorySigningKeyStore(), verifyRetiredFor: 3660)
    try await keyring.load(now: AccessTokens.systemClock())
    let tokens = AccessTokens(configuration: TokenConfiguration(issuer: "bench", audience: "clusterpool"), keyring: keyring)
    let clients = StoreClientCredentials(store: store)
    let bearer = BearerAuthenticator(tokens: tokens, apiKeys: clients, required: AuthService.requiredPaths)
    let gate = AccessGate(bearer: bearer, store: store)
    let apiKey = Data("localhost:ci:\(secret):None".utf8).base64EncodedString()
    let jwt = try tokens.issue(for: try await clients.authenticateClient(id: "ci", secret: secret)).token
    func context(_ bearer: String?) -> ServerContext {
      var metadata = Metadata()
      if let bearer { metadata.add("authorization", "Bearer " + bearer) }
      return ServerContext(
        method: MethodDescriptor(service: ClusterPoolService.serviceName, method: "Get"), requestMetadata: metadata,
        deadline: nil, peer: "127.0.0.1:1", logger: logger)
    }
    let count = self.count
    func perCall(_ body: () throws -> Void) rethrows -> String {
      let duration = try ContinuousClock().measure { for _ in 0..<count { try body() } }
      let nanos = Double(duration.components.seconds) * 1e9 + Double(duration.components.attoseconds) / 1e9
      return String(format: "%.2f µs", nanos / Double(count) / 1000)
    }
    let (off, withKey, withToken) = (context(nil), context(apiKey), context(jwt))
    guard try gate.authenticate(withKey)?.subject == "ci", try gate.authenticate(withToken)?.subject == "ci" else {
      throw ValidationError("the gate refused the bench's credentials")
    }
    let offCost = try perCall { _ = try bearer.authenticate(off) }
    let keyCost = try perCall { _ = try gate.authenticate(withKey) }
    let tokenCost = try perCall { _ = try gate.authenticate(withToken) }
    let issueCount = min(count, 5_000)
    let issue = try await ContinuousClock().measure {
      for _ in 0..<issueCount { _ = try tokens.issue(for: try await clients.authenticateClient(id: "ci", secret: secret)) }
    }
    let issueMicros = (Double(issue.components.seconds) * 1e6 + Double(issue.components.attoseconds) / 1e12) / Double(issueCount)
    print(
      "per call (\(count) each, \(apps + 1) apps): auth off \(offCost); auth on, API key \(keyCost); auth on, JWT \(tokenCost); "
        + "token issuance \(String(format: "%.1f µs", issueMicros)) (\(issueCount))")
    await store.close()
  }
}
