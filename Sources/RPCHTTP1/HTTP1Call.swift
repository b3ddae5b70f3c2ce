internal import NIOCore
internal import RPCCore

/// The state of the one call an HTTP/1.1 connection runs at a time, owned by the connection
/// handler on its event loop: the call's rules (`ServerCallStateMachine`), the protocol's
/// view of it (`WireCall`), the request body's decoder, the running handler and its timer,
/// and the writers waiting for the socket. The handler feeds the machine events and runs
/// its steps (`HTTP1ConnectionHandler+Steps`).
final class HTTP1Call {
  let id: Int
  let wire: WireCall
  let route: HTTP1Routes.Route
  let context: ServerContext
  /// What the call's record will say (request id, caller, bytes).
  var observed: ObservedCall
  /// Whether the connection may carry another request after this one.
  let keepAlive: Bool
  /// Where the call is; the only record of it.
  var machine = ServerCallStateMachine(shape: .unaryRequest)
  var decoder: WireRequestDecoder
  /// The request message, kept until the handler runs.
  var request: ByteBuffer?
  var task: Task<Void, Never>?
  var deadlineTimer: Scheduled<Void>?
  /// Writers waiting for the channel to become writable.
  var writers = SuspendedWriters()

  init(
    id: Int, wire: WireCall, route: HTTP1Routes.Route, context: ServerContext, observed: ObservedCall,
    keepAlive: Bool
  ) {
    self.id = id
    self.wire = wire
    self.route = route
    self.context = context
    self.observed = observed
    self.keepAlive = keepAlive
    self.decoder = wire.makeDecoder()
  }
}

/// A handle on the running call that handler tasks use from any thread; every operation hops
/// to the connection's event loop.
struct HTTP1CallHandle: ServerCallSink {
  let call: Int
  let eventLoop: any EventLoop
  let connection: NIOLoopBound<HTTP1ConnectionHandler>
  let framer: GRPCMessageFramer

  /// Hands a framed message to the connection, which holds `continuation` while the socket
  /// is backed up.
  func send(_ framed: ByteBuffer, continuation: CheckedContinuation<Void, any Error>) {
    eventLoop.execute { connection.value.write(framed, call: call, continuation: continuation) }
  }

  /// Completes a unary call with its serialized response or its failure.
  func complete(_ result: Result<ByteBuffer, any Error>) {
    eventLoop.execute { connection.value.complete(call: call, result: result) }
  }

  /// Ends a streaming call with OK or the given failure.
  func finish(_ error: (any Error)?) {
    eventLoop.execute { connection.value.finish(call: call, error: error) }
  }
}
