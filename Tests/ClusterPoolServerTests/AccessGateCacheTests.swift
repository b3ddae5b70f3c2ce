import ClusterPoolAuth
import ClusterPoolDomain
import ClusterPoolStore
import Foundation
import Logging
import RPCCore
import Synchronization
import Testing

@testable import ClusterPoolServer

/// The gate remembers a verified credential with its caller and grants: a pool write keeps it
/// (the access rows did not change), a deleted API key and the tokens it got stop at once, an
/// expired token is refused though remembered.
@Suite struct AccessGateCacheTests {
  final class Clock: Sendable {
    let seconds = Mutex<Int64>(1_800_000_000)
    var now: Int64 { seconds.withLock { $0 } }
  }

  @Test func aRememberedCredentialFollowsTheAccessRowsAndItsExpiry() async throws {
    let logger = Logger(label: "test")
    let store = try await PoolStore.open(
      backend: InMemoryBackend(createdAt: Timestamp(nanosecondsSinceEpoch: 0)),
      defaultPool: DefaultPoolTemplate(
        config: try ClusterPoolConfig(objectStoreURI: "s3://a", secretStoreType: 1), createdBy: .user(subject: "u"),
        createdAt: Timestamp(nanosecondsSinceEpoch: 0)), logger: logger)
    let clock = Clock()
    let keyring = SigningKeyring(store: InMemorySigningKeyStore(), verifyRetiredFor: 3660)
    try await keyring.load(now: clock.now)
    let tokens = AccessTokens(
      configuration: TokenConfiguration(issuer: "clusterpool-server", audience: "clusterpool"), keyring: keyring,
      clock: { clock.now })
    let clients = StoreClientCredentials(store: store)
    let gate = AccessGate(bearer: BearerAuthenticator(tokens: tokens, apiKeys: clients, required: []), store: store)
    let acme = try Organization(validating: "acme")
    let root = Identity.user(subject: "root")
    let (_, secret) = try await store.createApp(acme, clientID: "ci", AppRegistration(), defaultPolicy: "contributor", by: root)
    let key = Data("localhost:ci:\(secret):None".utf8).base64EncodedString()
    let token = try tokens.issue(for: try await clients.authenticateClient(id: "ci", secret: secret)).token
    func decide(_ bearer: String) -> Result<CallCaller?, RPCError> {
      var metadata = Metadata()
      metadata.add("authorization", "Bearer " + bearer)
      let context = ServerContext(
        method: MethodDescriptor(service: ClusterPoolService.serviceName, method: "Get"), requestMetadata: metadata, deadline: nil,
        peer: "test", logger: logger)
      return Result { () throws(RPCError) in try gate.authenticate(context) }
    }
    let ci = CallCaller(organization: "acme", kind: .app, subject: "ci")
    #expect(try decide(key).get() == ci && decide(token).get() == ci)
    let version = store.snapshot().accessVersion
    _ = try await store.execute(.create(PoolKey(organization: acme, name: try ResourceName(validating: "prod", kind: "pool")), try ClusterPoolConfig(objectStoreURI: "s3://p", secretStoreType: 1), sentMembers: []), by: root)
    #expect(store.snapshot().accessVersion == version)  // a pool write: what the gate remembers stays
    #expect(try decide(key).get() == ci && decide(token).get() == ci)

    clock.seconds.withLock { $0 += 3600 + 60 }  // the token's hour and the clock skew are over
    if case .failure(let error) = decide(token) {
      #expect(error.code == .unauthenticated && error.message.hasPrefix("token expired at"))
    } else {
      Issue.record("an expired token was let through from the cache")
    }
    #expect(try decide(key).get() == ci)  // an API key does not expire

    try await store.deleteApp(acme, clientID: "ci", by: root)
    #expect(store.snapshot().accessVersion != version)
    for bearer in [key, token] {
      if case .failure(let error) = decide(bearer) {
        #expect(error.code == .unauthenticated)
      } else {
        Issue.record("a deleted API key's credential was let through from the cache")
      }
    }
    await store.close()
  }
}
