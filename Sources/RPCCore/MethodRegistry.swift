internal import NIOCore
internal import Synchronization

/// The methods a server serves, by `:path`. Register everything before the server starts;
/// the server takes a frozen snapshot when it starts.
public final class MethodRegistry: Sendable {
  private let entries = Mutex<[String: (MethodDescriptor, MethodHandler)]>([:])
  /// The call policy of each service that has one, by service name.
  private let policies = Mutex<[String: any CallPolicy]>([:])
  /// Plain HTTP resources served beside the methods, by path.
  private let httpRoutes = Mutex<[String: HTTPRoute]>([:])
  /// Who calls: run for every call before its handler (see ``CallAuthenticator``).
  private let authenticatorBox = Mutex<(any CallAuthenticator)?>(nil)

  /// An empty registry.
  public init() {}

  /// The registered methods, sorted by path.
  public var methods: [MethodDescriptor] {
    entries.withLock { $0.values.map(\.0) }.sorted { $0.path < $1.path }
  }

  /// The handlers by `:path`, as a value the transport reads without locking.
  package func snapshot() -> [String: MethodHandler] {
    entries.withLock { $0.mapValues(\.1) }
  }

  /// Applies `policy` to every call of `service` (its full name, e.g.
  /// `cloudidl.clusterpool.ClusterPoolService`), whenever its methods are registered.
  public func apply(_ policy: any CallPolicy, toService service: String) {
    policies.withLock { $0[service] = policy }
  }

  /// The policy of `method`'s service, if it has one.
  package func policy(for method: MethodDescriptor) -> (any CallPolicy)? {
    policies.withLock { $0[method.service] }
  }

  /// Serves `route` (plain HTTP on the same port, HTTP/1.1 and HTTP/2), replacing a route of
  /// the same path.
  package func register(_ route: HTTPRoute) {
    httpRoutes.withLock { $0[route.path] = route }
  }

  /// The plain HTTP routes, as a transport reads them.
  package func routeSnapshot() -> HTTPRoutes {
    HTTPRoutes(httpRoutes.withLock { Array($0.values) })
  }

  /// Authenticates every call with `authenticator` before its handler runs.
  public func authenticate(with authenticator: any CallAuthenticator) {
    authenticatorBox.withLock { $0 = authenticator }
  }

  /// The authenticator of every call, if one is set.
  package var authenticator: (any CallAuthenticator)? { authenticatorBox.withLock { $0 } }

  package func register(_ method: MethodDescriptor, _ handler: MethodHandler) {
    entries.withLock { $0[method.path] = (method, handler) }
  }

  // Every handler runs with its context bound to `ServerContext.current`.

  /// Registers a unary method whose handler runs on the connection's event loop with no
  /// task hop: for handlers that only read in-memory state and never block (the hot path).
  public func registerUnaryInline<Req, Resp>(
    _ method: MethodDescriptor,
    deserializer: some MessageDeserializer<Req>,
    serializer: some MessageSerializer<Resp>,
    handler: @escaping @Sendable (Req, ServerContext) throws -> Resp
  ) {
    register(method, .unaryInline { bytes, context, framer, out in
      let request = try deserializer.decodeRequest(bytes)
      let response = try ServerContext.$current.withValue(context) { try handler(request, context) }
      try framer.frame(into: &out) { try serializer.serialize(response, into: &$0) }
    })
  }

  /// Registers a unary method whose common case is answered on the event loop with no task
  /// hop: `fast` runs there first and returns the response, or `nil` having done nothing
  /// (whatever it cannot decide at once: a request it cannot decode or must refuse, a change
  /// that must wait for storage); `handler` then runs in a task and answers the call. `fast`
  /// must not block, and a call it answers runs no policy's ``CallPolicy/run(_:_:)``.
  public func registerUnaryInlineFirst<Req, Resp>(
    _ method: MethodDescriptor,
    deserializer: some MessageDeserializer<Req>,
    serializer: some MessageSerializer<Resp>,
    fast: @escaping @Sendable (Req, ServerContext) -> Resp?,
    handler: @escaping @Sendable (Req, ServerContext) async throws -> Resp
  ) {
    register(method, .unaryInlineFirst(
      fast: { bytes, context, framer, out in
        guard let request = try? deserializer.decodeRequest(bytes),
          let response = ServerContext.$current.withValue(context, operation: { fast(request, context) })
        else { return false }
        try framer.frame(into: &out) { try serializer.serialize(response, into: &$0) }
        return true
      },
      full: { bytes, context in
        let request = try deserializer.decodeRequest(bytes)
        return try serializer.encode(try await ServerContext.$current.withValue(context) { try await handler(request, context) })
      }))
  }

  /// Registers a unary method whose handler runs in a task.
  public func registerUnary<Req, Resp>(
    _ method: MethodDescriptor,
    deserializer: some MessageDeserializer<Req>,
    serializer: some MessageSerializer<Resp>,
    handler: @escaping @Sendable (Req, ServerContext) async throws -> Resp
  ) {
    register(method, .unary { bytes, context in
      let request = try deserializer.decodeRequest(bytes)
      return try serializer.encode(try await ServerContext.$current.withValue(context) { try await handler(request, context) })
    })
  }

  /// Registers a method taking one request and streaming responses.
  public func registerServerStreaming<Req, Resp: Sendable>(
    _ method: MethodDescriptor,
    deserializer: some MessageDeserializer<Req>,
    serializer: some MessageSerializer<Resp>,
    handler: @escaping @Sendable (Req, RPCWriter<Resp>, ServerContext) async throws -> Void
  ) {
    register(method, .serverStreaming { bytes, writer, context in
      let request = try deserializer.decodeRequest(bytes)
      try await ServerContext.$current.withValue(context) {
        try await handler(request, writer.map { try serializer.encode($0) }, context)
      }
    })
  }

  /// Registers a method streaming both ways.
  public func registerBidiStreaming<Req: Sendable, Resp: Sendable>(
    _ method: MethodDescriptor,
    deserializer: some MessageDeserializer<Req>,
    serializer: some MessageSerializer<Resp>,
    handler: @escaping @Sendable (RPCAsyncSequence<Req>, RPCWriter<Resp>, ServerContext)
      async throws -> Void
  ) {
    register(method, .bidiStreaming { requests, writer, context in
      let typed = requests.map { try deserializer.decodeRequest($0) }
      try await ServerContext.$current.withValue(context) {
        try await handler(typed, writer.map { try serializer.encode($0) }, context)
      }
    })
  }
}
