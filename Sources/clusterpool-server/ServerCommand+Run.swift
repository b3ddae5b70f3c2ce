import ArgumentParser
import ClusterPoolAuth
import ClusterPoolDomain
import ClusterPoolPostgres
import ClusterPoolServer
import ClusterPoolStore
import Logging
import RPCCore
import RPCHTTP2
import ServiceLifecycle

extension ServerCommand {
  /// Starts the server: flags (validate()) → TLS files → port → OIDC provider → database →
  /// services (``ServerAssembly``, shared with `LocalServer`) → serving, until SIGTERM or
  /// SIGINT.
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
    let calls = CallMetrics()
    configuration.callObservers.append(calls)
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
    let session: EphemeralSession?
    do {
      session = ephemeral.ephemeral ? try EphemeralSession(configPath: ephemeral.ephemeralConfig) : nil
    } catch {
      await server.close()
      await metricsListener?.server.close()
      throw error
    }
    defer { session?.remove() }
    let store: PoolStore
    let follower: PostgresFollower?
    do {
      (store, follower) = try await openStore(ephemeral: session != nil, logger: logger)
    } catch {
      await server.close()
      await metricsListener?.server.close()
      throw error
    }
    let assembly: ServerAssembly
    do {
      assembly = try await ServerAssembly(
        store: store, signingKeys: try await signingKeys(ephemeral: session != nil, postgres: follower), registry: registry,
        settings: try assemblySettings(enforce: enforce), oidc: oidcProvider,
        operations: {
          operationsRoutes(
            prometheus: prometheus, calls: calls, server: server, store: store, clusters: $0, follower: follower)
        },
        logger: logger)
      if let metricsListener { assembly.operations.register(in: metricsListener.registry) }
    } catch {
      await store.close()
      await server.close()
      await metricsListener?.server.close()
      throw error is StoreOpenError ? error : StoreOpenError("cannot load the signing keys: \(error)")
    }
    do {
      // the bootstrap admin's creation is the first record of its organization's audit log
      if enforce { try await bootstrap(store, try pools.serviceConfiguration(), ephemeral: session, logger) }
    } catch {
      await store.close()
      await server.close()
      await metricsListener?.server.close()
      throw StoreOpenError("cannot create the bootstrap credentials: \(error)")
    }
    var followers: [ServiceGroupConfiguration.ServiceConfiguration] = []
    if let follower {
      followers.append(.init(service: follower))
      followers.append(.init(service: assembly.clusters.heartbeatSharing(PostgresHeartbeats(backend: follower.backend), logger: logger)))
    }
    let group = ServiceGroup(configuration: .init(
      services: assembly.services(
        server: server, storeFollowers: followers, metrics: metricsListener?.server,
        helpers: [.init(service: HeapTrimmer(census: server.census), successTerminationBehavior: .ignore)],
        announcement: ListeningAnnouncement(
          server: server, metrics: metricsListener?.server,
          ephemeral: session.map { ($0, pools.defaultOrganization, tlsCert != nil) }, logger: logger)),
      gracefulShutdownSignals: [.sigterm, .sigint],
      logger: logger))

    try await group.run()
    await store.close()  // the group closed it already, unless it ended by an error
  }

  /// The assembly's settings from the flags.
  private func assemblySettings(enforce: Bool) throws -> ServerAssembly.Settings {
    let pools = try self.pools.serviceConfiguration()
    var settings = ServerAssembly.Settings(
      defaultOrganization: pools.defaultOrganization, callerIdentity: pools.callerIdentity, tokens: auth.tokenConfiguration)
    settings.identity = try self.pools.identityConfiguration()
    settings.signingKeyRefreshInterval = .seconds(auth.signingKeyRefreshInterval)
    settings.publicURL = auth.publicUrl
    settings.tls = tlsCert != nil
    settings.enforce = enforce
    settings.auditFlood = audit.floodSettings
    settings.auditRetention = try audit.retention().map { .seconds($0) }
    settings.heartbeatTimeout = .seconds(heartbeatTimeout)
    settings.healthSaveInterval = .seconds(healthSaveInterval)
    settings.enableTestService = enableTestService
    return settings
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
