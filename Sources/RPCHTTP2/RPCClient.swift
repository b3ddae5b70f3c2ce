public import Logging
public import NIOCore
public import NIOPosix
internal import NIOSSL
internal import RPCCore
internal import Synchronization

/// A gRPC client over one HTTP/2 connection (nghttp2), established on the first call and
/// re-established on the next call after it drops; concurrent calls are multiplexed on it.
public final class RPCClient: Sendable {
  private let configuration: ClientConfiguration
  private let group: any EventLoopGroup
  let logger: Logger
  private let state = Mutex<State>(State())
  private let sslContext: Result<NIOSSLContext, any Error>?

  private struct State {
    var connection: EventLoopFuture<Connection>?
    var generation = 0
    var closed = false
  }

  /// A live connection: its channel and its handler, bound to the channel's loop.
  struct Connection: Sendable {
    let channel: any Channel
    let handler: NIOLoopBound<ClientConnectionHandler>
  }

  /// Creates a client; nothing connects until the first call.
  public init(
    configuration: ClientConfiguration,
    eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
    logger: Logger
  ) {
    self.configuration = configuration
    self.group = eventLoopGroup
    self.logger = logger
    self.sslContext = configuration.tls.map { tls in Result { try TLSContexts.client(tls) } }
  }

  /// `host:port`, as named in errors.
  var target: String { "\(configuration.host):\(configuration.port)" }
  var scheme: String { configuration.tls == nil ? "http" : "https" }
  var maxMessageSize: Int { configuration.maxMessageSize }

  /// Closes the connection after its calls finish; later calls fail with `UNAVAILABLE`.
  public func close() async {
    let future = state.withLock { state -> EventLoopFuture<Connection>? in
      state.closed = true
      defer { state.connection = nil }
      return state.connection
    }
    guard let connection = try? await future?.get() else { return }
    connection.channel.eventLoop.execute { connection.handler.value.shutdown() }
    try? await connection.channel.closeFuture.get()
  }

  /// The current connection, connecting when there is none.
  func connection() async throws(RPCError) -> Connection {
    let (future, generation) = try state.withLock { state throws(RPCError) in
      guard !state.closed else {
        throw RPCError(code: .unavailable, message: "client for \(target) is closed")
      }
      if let future = state.connection { return (future, state.generation) }
      state.generation += 1
      let future = connect(generation: state.generation)
      state.connection = future
      return (future, state.generation)
    }
    do {
      return try await future.get()
    } catch {
      retire(generation: generation)
      throw RPCError(code: .unavailable, message: "cannot connect to \(target): \(error)")
    }
  }

  /// Forgets a connection so the next call makes a new one.
  func retire(generation: Int) {
    state.withLock { state in
      if state.generation == generation { state.connection = nil }
    }
  }

  private func connect(generation: Int) -> EventLoopFuture<Connection> {
    let configuration = self.configuration
    let target = self.target
    let logger = self.logger
    let sslContext = self.sslContext
    let onRetire: @Sendable () -> Void = { [weak self] in self?.retire(generation: generation) }
    return ClientBootstrap(group: group)
      .connectTimeout(.init(configuration.connectTimeout))
      .channelOption(.socketOption(.tcp_nodelay), value: 1)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          if let sslContext {
            let name = configuration.tls?.serverHostname ?? configuration.host
            let isAddress = (try? SocketAddress(ipAddress: name, port: 0)) != nil
            let handler = try NIOSSLClientHandler(
              context: sslContext.get(), serverHostname: isAddress ? nil : name)
            try channel.pipeline.syncOperations.addHandler(handler)
          }
          try channel.pipeline.syncOperations.addHandler(
            ClientConnectionHandler(
              target: target, cleartext: sslContext == nil, maxMessageSize: configuration.maxMessageSize,
              maxBufferedOutputPerStream: configuration.maxBufferedOutputPerStream,
              logger: logger, onRetire: onRetire))
        }
      }
      .connect(host: configuration.host, port: configuration.port)
      .flatMapThrowing { channel in
        channel.closeFuture.whenComplete { _ in onRetire() }
        let handler = try channel.pipeline.syncOperations.handler(type: ClientConnectionHandler.self)
        return Connection(channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop))
      }
  }
}
