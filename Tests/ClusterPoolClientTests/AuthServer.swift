import ClusterPoolAuth
import ClusterPoolClient
import ClusterPoolDomain
import ClusterPoolServer
import ClusterPoolStore
import Foundation
import Logging
import RPCHTTP2

/// A real server with authorization enforced (`--auth on`), assembled as `clusterpool-server`
/// assembles it (in-memory store, ClusterPoolService, AuthService with the token endpoint), on
/// a loopback port, over TLS with a certificate from `tools/dev-cert` unless `tls` is `false`.
struct AuthServer {
  let port: Int
  let tls: Bool
  let caPath: String
  let store: PoolStore
  let directory: TemporaryDirectory
  static let organization = try! Organization(validating: "acme")

  /// Client settings for this server with `credentials`.
  func settings(_ credentials: ClientCredentials?) -> ConnectionSettings {
    var settings = ConnectionSettings(
      endpoint: Endpoint(host: "localhost", port: port), insecure: !tls, caCertificatePath: tls ? caPath : nil,
      organization: "acme", endpointSource: "test")
    settings.credentials = credentials
    return settings
  }

  /// A new API key of organization acme holding `policy` (`admin`, `viewer`, ...).
  func apiKey(_ clientID: String, policy: String = "admin") async throws -> FlyteAPIKey {
    let (_, secret) = try await store.createApp(
      Self.organization, clientID: clientID, AppRegistration(), defaultPolicy: policy, by: .user(subject: "tester"))
    return FlyteAPIKey(endpoint: "localhost:\(port)", clientID: clientID, secret: secret, organization: "acme")
  }
}

func withAuthServer(tls: Bool = true, tokenLifetime: Int64 = 3600, _ body: (AuthServer) async throws -> Void) async throws {
  let logger = Logger(label: "auth-client-test")
  let directory = try TemporaryDirectory()
  defer { directory.remove() }
  if tls { try makeDevCertificate(in: directory.path) }
  let template = DefaultPoolTemplate(
    config: try ClusterPoolDomain.ClusterPoolConfig(
      objectStoreURI: "s3://shared-default", secretStoreType: ClusterPoolDomain.SecretStoreType.kubernetes.rawValue),
    createdBy: .application(subject: "clusterpool-server"), createdAt: Timestamp(nanosecondsSinceEpoch: 0))
  let store = try await PoolStore.open(
    backend: InMemoryBackend(createdAt: Timestamp(nanosecondsSinceEpoch: 0)), defaultPool: template, logger: logger)
  let keyring = SigningKeyring(store: InMemorySigningKeyStore(), verifyRetiredFor: tokenLifetime + 60)
  _ = try await keyring.load(now: AccessTokens.systemClock())
  let tokens = AccessTokens(
    configuration: TokenConfiguration(issuer: "clusterpool-server", audience: "clusterpool", lifetime: tokenLifetime, clockSkew: 0),
    keyring: keyring)
  let auth = AuthService(
    tokens: tokens, clients: StoreClientCredentials(store: store), access: store,
    configuration: .init(tls: tls, enforce: true), logger: logger)
  let configuration = ClusterPoolService.Configuration(
    defaultOrganization: AuthServer.organization, callerIdentity: .application(subject: "clusterpool-server"))
  let app = ServerApplication(
    clusterPools: ClusterPoolService(store: store, configuration: configuration), auth: auth, logger: logger)
  let server = RPCServer(
    configuration: ServerConfiguration(
      host: "127.0.0.1", port: 0,
      tls: tls ? .init(certificateChainPath: directory.path + "/server.pem", privateKeyPath: directory.path + "/server.key") : nil,
      eventLoopThreads: 1),
    registry: app.registry, logger: logger)
  try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask { try await server.run() }
    defer { group.cancelAll() }
    let address = try await server.listeningAddress
    try await body(
      AuthServer(port: address.port, tls: tls, caPath: directory.path + "/ca.pem", store: store, directory: directory))
  }
  await store.close()
}

/// `tools/dev-cert DIR`: a CA (`ca.pem`) and a leaf for localhost (`server.pem`, `server.key`).
func makeDevCertificate(in directory: String) throws {
  let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("tools/dev-cert")
  let process = Process()
  process.executableURL = script
  process.arguments = [directory]
  process.standardOutput = FileHandle.nullDevice
  process.standardError = FileHandle.nullDevice
  try process.run()
  process.waitUntilExit()
  guard process.terminationStatus == 0 else {
    throw ClientError(code: .internalError, message: "tools/dev-cert exited \(process.terminationStatus)")
  }
}
