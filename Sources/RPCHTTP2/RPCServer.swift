public import Logging
internal import NIOCore
internal import NIOHTTP1
internal import NIOPosix
internal import NIOSSL
public import RPCCore
internal import RPCHTTP1
public import ServiceLifecycle
internal import Synchronization

/// An RPC server on one port: gRPC over HTTP/2 (nghttp2), and Connect and gRPC-Web over
/// HTTP/1.1 (NIOHTTP1), cleartext or TLS, run as a swift-service-lifecycle `Service`. Each
/// connection's HTTP version is chosen once, by ALPN (`h2`, `http/1.1`) or, without it, by
/// whether its first bytes are the HTTP/2 preface (`HTTPVersionDetector`).
///
/// `run()` binds and serves until cancelled (closes at once) or gracefully shut down (GOAWAY
/// on every connection, in-flight calls finish within the grace period, then it returns).
public final class RPCServer: Service, Sendable {
  private let configuration: ServerConfiguration
  private let registry: MethodRegistry
  private let logger: Logger
  private let bound = BoundAddress()
  private let started = Mutex(false)
  private let connections = ConnectionTable()
  /// The bound listener (`bind()`), not accepting until `run()`.
  private let listener = Mutex<(MultiThreadedEventLoopGroup, any Channel)?>(nil)
  /// The routes, made from the registry when `run()` starts (services may register after
  /// `bind()`); no connection is accepted before.
  private let routes = Mutex<(ServerConnectionHandler.Shared, HTTP1Routes)?>(nil)
  /// Open connections by HTTP version and buffered reply bytes, for metrics.
  public let census = TransportCensus()

  /// Creates a server; nothing is bound until `bind()` or `run()`.
  public init(configuration: ServerConfiguration, registry: MethodRegistry, logger: Logger) {
    self.configuration = configuration
    self.registry = registry
    self.logger = logger
  }

  /// The bound address, once `bind()` (or `run()`) has bound the socket (waits until then).
  public var listeningAddress: (host: String, port: Int) {
    get async throws {
      let address = try await bound.wait()
      return (address.ipAddress ?? configuration.host, address.port ?? configuration.port)
    }
  }

  /// How many client connections are open.
  var connectionCount: Int { connections.count }

  /// Loads the TLS files and binds the port, without serving yet: connections wait in the
  /// listen backlog until `run()`. Lets a caller fail fast (and create nothing) when the
  /// address or the TLS files are unusable, before opening anything else. Optional:
  /// `run()` binds when this was not called. Throws ``ServerStartError``.
  public func bind() async throws(ServerStartError) {
    guard listener.withLock({ $0 }) == nil else { return }  // bound already
    let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.eventLoopThreads))
    do {
      let sslContext = try configuration.tls.map(TLSContexts.server)
      let channel = try await makeBootstrap(group, sslContext: sslContext).bind(
        host: configuration.host, port: configuration.port
      ).get()
      bound.publish(.success(channel.localAddress!))
      listener.withLock { $0 = (group, channel) }
    } catch {
      try? await group.shutdownGracefully()
      let failure = error as? ServerStartError ?? .listen(host: configuration.host, port: configuration.port, error)
      bound.publish(.failure(failure))
      throw failure
    }
  }

  /// Closes what `bind()` opened when `run()` will not be called (startup failed after it).
  public func close() async {
    guard let (group, channel) = listener.withLock({ $0 }) else { return }
    try? await channel.close()
    try? await group.shutdownGracefully()
  }

  /// Binds (unless `bind()` did), serves and returns after shutdown. Runs once per server.
  public func run() async throws {
    let alreadyStarted = started.withLock { started in
      defer { started = true }
      return started
    }
    guard !alreadyStarted else {
      throw RPCError(code: .failedPrecondition, message: "RPCServer.run() called twice")
    }
    if listener.withLock({ $0 }) == nil { try await bind() }
    guard let (group, channel) = listener.withLock({ $0 }) else { return }
    // The registry is complete now: route with it, then start accepting connections.
    let http1Routes = HTTP1Routes(registry)
    let http2 = ServerConnectionHandler.Shared(
      routes: ServerRoute.table(registry), plainRoutes: http1Routes.plain, authenticator: http1Routes.authenticator,
      observers: configuration.http1Configuration.observers, limits: configuration.limits,
      settings: configuration.http2Settings, logger: logger, connections: connections)
    routes.withLock { $0 = (http2, http1Routes) }
    try await channel.setOption(.autoRead, value: true).get()
    logger.info(
      "listening", metadata: ["address": "\(channel.localAddress!)", "tls": "\(configuration.tls != nil)"])
    await withGracefulShutdownHandler {
      await withTaskCancellationHandler {
        try? await channel.closeFuture.get()
      } onCancel: {
        channel.close(promise: nil)
        self.closeAllConnections()
      }
    } onGracefulShutdown: {
      self.logger.info("graceful shutdown: draining connections")
      channel.close(promise: nil)
      self.drainAllConnections()
    }
    await waitForConnections()
    try? await group.shutdownGracefully()
  }

  private func makeBootstrap(_ group: MultiThreadedEventLoopGroup, sslContext: NIOSSLContext?) -> ServerBootstrap {
    let http1 = configuration.http1Configuration
    let limits = configuration.limits
    let http1HeaderLimits = configuration.http1HeaderLimits
    let logger = self.logger
    let high = max(limits.maxBufferedOutputPerConnection, 64 << 10)
    let replyBudget = SharedReplyBudget(limit: limits.maxBufferedReplyBytes)
    let census = self.census
    let connections = self.connections
    census.track(replyBudget)
    return ServerBootstrap(group: group)
      .serverChannelOption(.backlog, value: 1024)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .serverChannelOption(.autoRead, value: false)  // run() starts accepting
      .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
      .childChannelOption(.writeBufferWaterMark, value: .init(low: high / 2, high: high))
      .childChannelOption(.maxMessagesPerRead, value: 16)
      // A connection keeps its receive buffer between reads (NIO reuses it at the largest
      // size it reached), so it starts at 512 bytes, not NIO's 2 KiB: a client's first flight
      // fits, busy connections grow it. A first read that leaves part of a TLS ClientHello
      // unread at this cleartext port is answered 400 and closed without a reset
      // (HTTP1ConnectionHandler.lingerAfterBadRequest). The sizer is small enough for the
      // channel to hold in place (`CompactRecvAllocator`).
      .childChannelOption(.recvAllocator, value: CompactRecvAllocator(minimum: 64, initial: 512, maximum: 65536))
      .childChannelInitializer { [self] channel in
        channel.eventLoop.makeCompletedFuture {
          guard let (http2, http1Routes) = self.routes.withLock({ $0 }) else {
            throw RPCError(code: .unavailable, message: "connection accepted before run()")
          }
          if let sslContext {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
          }
          let detector = HTTPVersionDetector(
            tls: sslContext != nil, timeout: .init(limits.firstRequestTimeout), connections: connections
          ) { version, pipeline in
            switch version {
            case .http2:
              // The handler counts itself in and out: no close-future callback of its own
              // (each is kept, with its closures, for the life of the connection).
              try pipeline.addHandler(
                ServerConnectionHandler(
                  shared: http2, counts: census.counts(on: channel.eventLoop), replyBudget: replyBudget))
            case .http1:
              census.openedHTTP1()
              // One callback counts it out and takes it out of the table.
              channel.closeFuture.whenComplete { _ in
                census.closedHTTP1()
                connections.remove(channel)
              }
              try pipeline.configureHTTPServerPipeline(
                withErrorHandling: true, withEncoderConfiguration: .init(),
                withDecoderLimitConfiguration: http1HeaderLimits)
              try pipeline.addHandler(
                HTTP1ConnectionHandler(routes: http1Routes, configuration: http1, logger: logger))
            }
          }
          try channel.pipeline.syncOperations.addHandler(detector)
          // In the table from here on: its handlers take it out when it closes.
          connections.insert(channel)
        }
      }
  }

  private func drainAllConnections() {
    for channel in connections.all {
      channel.eventLoop.execute {
        // HTTP/2 connections answer the first (GOAWAY); HTTP/1.1 ones and those still
        // choosing their version the second (NIOHTTP1 closes after the running call).
        channel.pipeline.fireUserInboundEventTriggered(ServerConnectionHandler.GracefulShutdownEvent())
        channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
      }
    }
  }

  private func closeAllConnections() {
    for channel in connections.all { channel.close(promise: nil) }
  }

  /// Waits for open connections to close, forcing them after the grace period.
  private func waitForConnections() async {
    let grace = configuration.shutdownGracePeriod
    await withTaskGroup(of: Void.self) { group in
      group.addTask {
        for channel in self.connections.all {
          try? await channel.closeFuture.get()
        }
      }
      group.addTask {
        try? await Task.sleep(for: grace)
      }
      await group.next()
      // Before leaving the group, which waits for both tasks: a future's `get()` does not
      // end on cancellation, so the grace period would last until the last call finished.
      closeAllConnections()
      group.cancelAll()
    }
  }
}
