import ArgumentParser
import BuildInfo
import ClusterPoolAuth
import ClusterPoolDomain
import ClusterPoolPostgres
import ClusterPoolServer
import ClusterPoolSQLite
import ClusterPoolStore
import CoreMetrics
import Foundation
import Logging
import RPCCore
import RPCHTTP2
import ServiceLifecycle

/// `clusterpool-server`: serves the cluster-pool control-plane API over HTTP/2.
@main
struct ServerCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "clusterpool-server",
    abstract: "Serve the cluster-pool control-plane API (gRPC over HTTP/2).",
    usage: """
      clusterpool-server [<options>]
      clusterpool-server migrate --from <file> --to <url> [<options>]
      clusterpool-server keys rotate [--database <database>]
      clusterpool-server audit verify [--database <database>]
      """,
    discussion: """
      Prints "listening on HOST:PORT" on standard output once it accepts connections \
      (useful with --port 0). SIGTERM or SIGINT shuts down gracefully: new calls are \
      refused, calls in flight finish, then the process exits 0. \
      `clusterpool-server migrate` copies an SQLite database into PostgreSQL.
      """,
    version: BuildInfo.versionLine("clusterpool-server"),
    subcommands: [MigrateCommand.self, KeysCommand.self, AuditCommand.self])

  @Option(help: "Address to listen on.")
  var host = "127.0.0.1"

  @Option(help: "Port to listen on (0 picks a free one).")
  var port = 8089

  @Option(help: "TLS certificate chain (PEM). Serves TLS with ALPN h2 when given with --tls-key.")
  var tlsCert: String?

  @Option(help: "TLS private key (PEM).")
  var tlsKey: String?

  @Option(help: "Maximum concurrent streams per connection (SETTINGS_MAX_CONCURRENT_STREAMS).")
  var maxConcurrentStreams = 100

  @Option(help: "Maximum size of one message in bytes, each way; larger is RESOURCE_EXHAUSTED.")
  var maxMessageSize = 4 * 1024 * 1024

  @Option(help: "Maximum size of a request's header list in bytes.")
  var maxHeaderListSize = 16 * 1024

  @Option(help: "Reply bytes encoded but not yet sent on one HTTP/2 connection above which its calls wait for the client to read.")
  var maxBufferedReplyBytes = 4 * 1024 * 1024

  @Option(help: "The same bound over all connections together.")
  var maxTotalBufferedReplyBytes = 64 * 1024 * 1024

  @Option(help: "Seconds a connection may stay without open streams before it is closed.")
  var idleTimeout = 300

  @Option(help: "Seconds without a Heartbeat or UpdateStatus after which a cluster reads UNHEALTHY.")
  var heartbeatTimeout = 60

  @Option(help: "Seconds between saves of cluster health (heartbeat times, reported data planes); also saved at shutdown.")
  var healthSaveInterval = 5

  @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
  var logLevel: Logger.Level = .info

  @Flag(help: "Also serve rpctest.v1.TestService (an echo service used by the transport tests).")
  var enableTestService = false

  @OptionGroup(title: "Cluster pools")
  var pools: PoolOptions

  @OptionGroup(title: "Authentication")
  var auth: AuthOptions

  @OptionGroup(title: "OpenID Connect provider (people)")
  var oidc: OIDCOptions

  @OptionGroup(title: "Audit log")
  var audit: AuditOptions

  @OptionGroup(title: "Logging")
  var log: LogOptions

  @OptionGroup(title: "Metrics and health")
  var metrics: MetricsOptions

  @OptionGroup(title: "Configuration file and environment")
  var configuration: ConfigOptions

  func validate() throws {
    guard (tlsCert == nil) == (tlsKey == nil) else {
      throw ValidationError("--tls-cert and --tls-key go together")
    }
    guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535") }
    guard maxConcurrentStreams > 0, maxMessageSize > 0, maxHeaderListSize > 0, idleTimeout > 0, heartbeatTimeout > 0, healthSaveInterval > 0,
      maxBufferedReplyBytes > 0, maxTotalBufferedReplyBytes > 0
    else {
      throw ValidationError("limits must be positive")
    }
    _ = try pools.serviceConfiguration()
    _ = try pools.defaultPool()
  }

  func run() async throws {
    // Checked here, not in validate(): the root's options are parsed (and validated) for
    // `migrate` too, which takes --database-password-file without --database.
    _ = try pools.databaseLocation()
    let level = logLevel
    let format = log.logFormat
    LoggingSystem.bootstrap { label in ServerLogHandler(label: label, level: level, format: format) }
    defer { LogWriter.standardError.flush() }  // the lines still queued, before the process ends
    let logger = Logger(label: "clusterpool-server")
    let prometheus = ServerMetrics.bootstrap()
    let (enforce, authWarning) = auth.enforcement(host: host, tls: tlsCert != nil)
    if let authWarning { logger.warning("\(authWarning)") }

    // Start order: flags (validate()) → TLS files → port → OIDC provider → database →
    // services → serving. Whatever fails first is told in words, before anything is created
    // on disk.
    let registry = MethodRegistry()
    var configuration = serverConfiguration()
    configuration.callObservers.append(CallMetrics())
    let server = RPCServer(configuration: configuration, registry: registry, logger: logger)
    do {
      try await server.bind()
    } catch {
      throw StartupError(error)
    }
    let metricsListener: (server: RPCServer, registry: MethodRegistry)?
    do {
      metricsListener = try await metricsServer(logger: logger)
    } catch {
      await server.close()
      throw error
    }
    let oidcProvider: OIDCProvider?
    do {
      oidcProvider = try oidc.provider(logger: logger)
      try await oidcProvider?.load()
    } catch {
      await server.close()
      await metricsListener?.server.close()
      throw StartupError(message: "cannot load the OpenID Connect provider: \(error)")
    }
    if let oidcProvider, let keys = oidcProvider.tokens.keySet {
      logger.info("OIDC provider \(oidcProvider.tokens.configuration.issuer): \(keys.keys.count) verification keys")
    }
    let store: PoolStore
    let follower: PostgresFollower?
    do {
      (store, follower) = try await pools.openStore(logger: logger)
    } catch {
      await server.close()
      await metricsListener?.server.close()
      throw error
    }
    let serviceConfiguration = try pools.serviceConfiguration()
    let recorder = AuditRecorder(
      store: store, defaultOrganization: serviceConfiguration.defaultOrganization, settings: audit.floodSettings, logger: logger)
    let authService: AuthService
    let keyRefresh: SigningKeyRefresh
    do {
      let tokenConfiguration = auth.tokenConfiguration
      let keyring = SigningKeyring(
        store: try await pools.signingKeys(postgres: follower?.backend),
        verifyRetiredFor: tokenConfiguration.lifetime + tokenConfiguration.clockSkew)
      let kid = try await keyring.load(now: AccessTokens.systemClock())
      logger.info("access tokens signed with key \(kid)", metadata: ["issuer": "\(tokenConfiguration.issuer)"])
      keyRefresh = SigningKeyRefresh(keyring: keyring, interval: .seconds(auth.signingKeyRefreshInterval), logger: logger)
      authService = AuthService(
        tokens: AccessTokens(configuration: tokenConfiguration, keyring: keyring), clients: StoreClientCredentials(store: store), access: store,
        configuration: .init(publicURL: auth.publicUrl, tls: tlsCert != nil, enforce: enforce), oidc: oidcProvider,
        audit: recorder, logger: logger)
    } catch {
      await store.close()
      await server.close()
      await metricsListener?.server.close()
      throw StoreOpenError("cannot load the signing keys: \(error)")
    }
    do {
      // the bootstrap admin's creation is the first record of its organization's audit log
      let starting = AuditCall(method: "clusterpool-server/bootstrap", identity: nil, requestID: "bootstrap", peer: "local")
      if enforce { try await AuditCall.$current.withValue(starting) { try await bootstrap(store, serviceConfiguration, logger) } }
    } catch {
      await store.close()
      await server.close()
      await metricsListener?.server.close()
      throw StoreOpenError("cannot create the bootstrap credentials: \(error)")
    }
    let clusterPools = ClusterPoolService(store: store, configuration: serviceConfiguration)
    let clusters = ClusterService(
      store: store, configuration: serviceConfiguration, heartbeatTimeout: .seconds(heartbeatTimeout),
      healthSaveInterval: .seconds(healthSaveInterval))
    let queues = QueueService(store: store, clusters: clusters, configuration: serviceConfiguration)
    let identity = IdentityServices(store: store, configuration: try pools.identityConfiguration())
    let operations = operationsRoutes(prometheus: prometheus, server: server, store: store, clusters: clusters, follower: follower)
    if let metricsListener { operations.register(in: metricsListener.registry) }
    let app = ServerApplication(
      options: .init(enableTestService: enableTestService), registry: registry, clusterPools: clusterPools,
      clusters: clusters, queues: queues, identity: identity, auth: authService,
      audit: AuditServing(
        service: AuditService(store: store, defaultOrganization: serviceConfiguration.defaultOrganization), recorder: recorder,
        fallback: enforce ? nil : serviceConfiguration.callerIdentity),
      operations: operations, logger: logger)
    // a group stops its services in reverse order, each after the one behind it ended: the
    // store first, so that it stops last (its queued writes, the final health save among them,
    // are committed before it closes); the change log's follower (PostgreSQL) next; the health
    // keeper next, so that its final save follows the server's drain
    var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: store)]
    if let follower {
      services.append(.init(service: follower))
      services.append(.init(service: clusters.heartbeatSharing(PostgresHeartbeats(backend: follower.backend), logger: logger)))
    }
    services.append(.init(service: recorder))  // after the store: stops before it, writing what is left
    if let retention = try audit.retention(), let log = store.auditLog {
      services.append(.init(service: AuditRetention(log: log, retention: .seconds(retention), logger: logger)))
    }
    services += [
      .init(service: keyRefresh),
    ]
    if let oidcProvider { services.append(.init(service: oidcProvider)) }
    // the metrics listener stops after the server has drained: /readyz answers 503 meanwhile
    if let metricsListener { services.append(.init(service: metricsListener.server)) }
    services += [
      .init(service: clusters.healthKeeper(logger: logger)),
      .init(service: HeapTrimmer(census: server.census), successTerminationBehavior: .ignore),
      .init(service: server, successTerminationBehavior: .gracefullyShutdownGroup),
      .init(service: app.healthShutdown),
      .init(service: ListeningAnnouncement(server: server, metrics: metricsListener?.server), successTerminationBehavior: .ignore),
    ]
    let group = ServiceGroup(configuration: .init(
      services: services,
      gracefulShutdownSignals: [.sigterm, .sigint],
      logger: logger))

    try await group.run()
    await store.close()  // the group closed it already, unless it ended by an error
  }

  private func serverConfiguration() -> ServerConfiguration {
    var configuration = ServerConfiguration()
    configuration.host = host
    configuration.port = port
    if let tlsCert, let tlsKey {
      configuration.tls = .init(certificateChainPath: tlsCert, privateKeyPath: tlsKey)
    }
    configuration.limits.maxConcurrentStreams = maxConcurrentStreams
    configuration.limits.maxMessageSize = maxMessageSize
    configuration.limits.maxHeaderListSize = maxHeaderListSize
    configuration.limits.idleTimeout = .seconds(idleTimeout)
    configuration.limits.maxBufferedReplyBytesPerConnection = maxBufferedReplyBytes
    configuration.limits.maxBufferedReplyBytes = maxTotalBufferedReplyBytes
    if log.accessLog == .on, logLevel <= .info { configuration.callObservers.append(AccessLog(format: log.logFormat)) }
    return configuration
  }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
