import ClusterPoolAuth
import ClusterPoolClient
import ClusterPoolDomain
import ClusterPoolServer
import ClusterPoolStore
import Foundation
import Logging
import RPCCore
import RPCHTTP2
import Testing

/// A server without `AuthMetadataService` but with RFC 8414 metadata and a token endpoint:
/// the client finds the token endpoint through `/.well-known/oauth-authorization-server`
/// (a GET on its own connection) and sends its token in the default `authorization` header.
@Suite struct TokenDiscoveryFallbackTests {
  @Test func theWellKnownMetadataGivesTheTokenEndpoint() async throws {
    let logger = Logger(label: "fallback-test", factory: { _ in SwiftLogNoOpLogHandler() })
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try makeDevCertificate(in: directory.path)
    let template = DefaultPoolTemplate(
      config: try ClusterPoolDomain.ClusterPoolConfig(
        objectStoreURI: "s3://shared-default", secretStoreType: ClusterPoolDomain.SecretStoreType.kubernetes.rawValue),
      createdBy: .application(subject: "clusterpool-server"), createdAt: Timestamp(nanosecondsSinceEpoch: 0))
    let store = try await PoolStore.open(
      backend: InMemoryBackend(createdAt: Timestamp(nanosecondsSinceEpoch: 0)), defaultPool: template, logger: logger)
    let keyring = SigningKeyring(store: InMemorySigningKeyStore(), verifyRetiredFor: 3600)
    _ = try await keyring.load(now: AccessTokens.systemClock())
    let tokens = AccessTokens(configuration: TokenConfiguration(issuer: "issuer", audience: "clusterpool"), keyring: keyring)
    let organization = try Organization(validating: "acme")
    let (_, secret) = try await store.createApp(
      organization, clientID: "ci", AppRegistration(), defaultPolicy: "admin", by: .user(subject: "tester"))
    let registry = MethodRegistry()
    registry.register(TokenEndpoint(tokens: tokens, clients: StoreClientCredentials(store: store), logger: logger).route)
    registry.register(HTTPRoute(path: AuthorizationServerMetadata.wellKnownPath, methods: ["GET"]) { request in
      HTTPRoute.json(AuthorizationServerMetadata(issuer: "issuer", baseURL: "https://" + (request.authority ?? "")).json)
    })
    let app = ServerApplication(
      registry: registry,
      clusterPools: ClusterPoolService(
        store: store, configuration: .init(defaultOrganization: organization, callerIdentity: .user(subject: "tester"))),
      logger: logger)
    let server = RPCServer(
      configuration: ServerConfiguration(
        host: "127.0.0.1", port: 0,
        tls: .init(certificateChainPath: directory.path + "/server.pem", privateKeyPath: directory.path + "/server.key"),
        eventLoopThreads: 1),
      registry: app.registry, logger: logger)
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await server.run() }
      defer { group.cancelAll() }
      let port = try await server.listeningAddress.port
      var settings = ConnectionSettings(
        endpoint: Endpoint(host: "localhost", port: port), insecure: false, caCertificatePath: directory.path + "/ca.pem",
        organization: "acme")
      settings.credentials = .clientSecret("ci", secret, source: "test")
      let client = ControlPlaneClient(settings: settings)
      #expect(try await ClusterPool.get("default", client: client).name == "default")
      #expect(await client.tokensFetched == 1)
      await client.close()

      settings.credentials = .clientSecret("ci", "wrong-secret", source: "test")
      let wrong = ControlPlaneClient(settings: settings)
      let error = await #expect(throws: ClientError.self) { _ = try await ClusterPool.get("default", client: wrong) }
      #expect(error?.message.contains("token endpoint https://localhost:\(port)/oauth2/token refused client ci") == true)
      await wrong.close()
    }
    await store.close()
  }
}
