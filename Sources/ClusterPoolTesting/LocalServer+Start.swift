internal import ClusterPoolAuth
internal import ClusterPoolClient
internal import ClusterPoolDomain
internal import ClusterPoolServer
internal import ClusterPoolSQLite
internal import ClusterPoolStore
internal import Foundation
internal import RPCCore
internal import RPCHTTP2

extension LocalServer {
  /// A server bound to its port with its services assembled, not yet serving.
  struct Started: Sendable {
    let server: RPCServer
    let assembly: ServerAssembly
    let adminSecret: String?
    let databasePath: String?

    /// Opens the store, binds 127.0.0.1 port 0 and assembles the services (auth on: makes the
    /// bootstrap admin); what it made is closed again when a step fails.
    static func start(_ options: Options, folder: String?) async throws -> Started {
      let logger = options.logger
      let organization = try Organization(validating: options.organization)
      let template = DefaultPoolTemplate(
        config: try ClusterPoolConfig(objectStoreURI: options.defaultObjectStoreURI, secretStoreType: SecretStoreType.kubernetes.rawValue),
        createdBy: .application(subject: "clusterpool-server"), createdAt: Timestamp(nanosecondsSinceEpoch: 0))
      let databasePath: String?
      let store: PoolStore
      let signingKeys: any SigningKeyStore
      switch options.storage {
      case .memory:
        databasePath = nil
        store = try await PoolStore.open(backend: InMemoryBackend(createdAt: template.createdAt), defaultPool: template, logger: logger)
        signingKeys = InMemorySigningKeyStore()
      case .temporarySQLite, .sqlite:
        if case .sqlite(let kept) = options.storage {
          do {
            try FileManager.default.createDirectory(atPath: kept, withIntermediateDirectories: true)
          } catch {
            throw LocalServerError("cannot make the folder \(kept) of the SQLite file: \(error.localizedDescription)")
          }
        }
        let path = (folder ?? { if case .sqlite(let kept) = options.storage { kept } else { "." } }()) + "/pools.db"
        databasePath = path
        store = try SQLiteClusterPoolStore(path: path, defaultPool: template, logger: logger)
        do {
          signingKeys = try SQLiteSigningKeys(path: path)
        } catch {
          await store.close()
          throw error
        }
      }
      let registry = MethodRegistry()
      let server = RPCServer(
        configuration: ServerConfiguration(
          host: "127.0.0.1", port: 0,
          tls: options.tls.map { .init(certificateChainPath: $0.certificateChainPath, privateKeyPath: $0.privateKeyPath) },
          eventLoopThreads: 1),
        registry: registry, logger: logger)
      do {
        try await server.bind()
        var settings = ServerAssembly.Settings(
          defaultOrganization: organization, callerIdentity: options.callerIdentity,
          tokens: TokenConfiguration(issuer: "clusterpool-server", audience: "clusterpool", lifetime: options.tokenLifetime, clockSkew: options.tokenClockSkew))
        settings.tls = options.tls != nil
        settings.enforce = options.auth
        settings.heartbeatTimeout = options.heartbeatTimeout
        settings.healthSaveInterval = options.healthSaveInterval
        settings.enableTestService = options.enableTestService
        let assembly = try await ServerAssembly(
          store: store, signingKeys: signingKeys, registry: registry, settings: settings,
          operations: { _ in
            OperationsRoutes(readiness: Readiness(store: { store.isOpen ? nil : "the store is closed" }), exposition: nil)
          }, logger: logger)
        let secret = options.auth ? try await BootstrapAdmin.create(in: store, organization: organization, actor: options.callerIdentity) : nil
        return Started(server: server, assembly: assembly, adminSecret: secret, databasePath: databasePath)
      } catch {
        await server.close()
        await store.close()
        throw error
      }
    }

    /// What the body sees, once the server listens.
    func localServer(_ options: Options) async throws -> LocalServer {
      let address = try await server.listeningAddress
      let key = adminSecret.map {
        FlyteAPIKey(endpoint: "127.0.0.1", clientID: BootstrapAdmin.clientID, secret: $0, organization: options.organization)
      }
      var settings = ConnectionSettings(
        endpoint: Endpoint(host: options.tls == nil ? "127.0.0.1" : "localhost", port: address.port), insecure: options.tls == nil,
        caCertificatePath: options.tls?.caCertificatePath, organization: options.organization, endpointSource: "LocalServer")
      if let key {
        settings.credentials = .apiKey(key, source: "LocalServer")
        settings.sendsCredentialsInCleartext = options.tls == nil
      }
      return LocalServer(
        host: address.host, port: address.port, settings: settings, client: ControlPlaneClient(settings: settings, logger: options.logger),
        adminKey: key, databasePath: databasePath, assembly: assembly)
    }
  }
}
