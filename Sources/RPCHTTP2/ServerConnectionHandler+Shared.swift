internal import Logging
internal import NIOCore
internal import RPCCore
internal import Synchronization

extension ServerConnectionHandler {
  /// What every HTTP/2 connection of a server reads and none changes, made once per server:
  /// each connection holds one reference instead of its own copies (about 250 bytes of every
  /// idle connection: the limits, the logger, the authenticator's existential, the tables).
  final class Shared: Sendable {
    let routes: [String: ServerRoute]
    /// Plain HTTP resources (token endpoint, JWKS, metadata) (`+Plain`).
    let plainRoutes: HTTPRoutes
    /// Authenticates every call before its handler runs.
    let authenticator: (any CallAuthenticator)?
    /// Told of every call once, when it ends.
    let observers: CallObservers
    let limits: ServerConfiguration.Limits
    let settings: NGHTTP2Settings
    let logger: Logger
    /// The server's open connections: a connection leaves when its handler goes.
    let connections: ConnectionTable
    /// The idle connections of each event loop, made when its first connection starts.
    private let idle = Mutex<[ObjectIdentifier: NIOLoopBound<IdleConnections>]>([:])

    init(
      routes: [String: ServerRoute], plainRoutes: HTTPRoutes = HTTPRoutes([]),
      authenticator: (any CallAuthenticator)? = nil, observers: CallObservers = CallObservers([]),
      limits: ServerConfiguration.Limits, settings: NGHTTP2Settings, logger: Logger,
      connections: ConnectionTable = ConnectionTable()
    ) {
      self.routes = routes
      self.plainRoutes = plainRoutes
      self.authenticator = authenticator
      self.observers = observers
      self.limits = limits
      self.settings = settings
      self.logger = logger
      self.connections = connections
    }

    /// The idle connections of `loop`'s connections to this server (called on `loop`).
    func idleConnections(on loop: any EventLoop) -> IdleConnections {
      let key = ObjectIdentifier(loop)
      let bound = idle.withLock { lists in
        if let bound = lists[key] { return bound }
        let bound = NIOLoopBound(IdleConnections(timeout: .init(limits.idleTimeout), loop: loop), eventLoop: loop)
        lists[key] = bound
        return bound
      }
      return bound.value
    }
  }

  var routes: [String: ServerRoute] { shared.routes }
  var plainRoutes: HTTPRoutes { shared.plainRoutes }
  var authenticator: (any CallAuthenticator)? { shared.authenticator }
  var observers: CallObservers { shared.observers }
  var limits: ServerConfiguration.Limits { shared.limits }
  var logger: Logger { shared.logger }
  var allocator: ByteBufferAllocator { ByteBufferAllocator() }
}
