internal import NIOCore
internal import RPCCore

/// The state of the one call an HTTP/1.1 connection runs at a time, owned by the connection
/// handler on its event loop: the protocol's view of it (`WireCall`), the request body as
/// it arrives, the running handler, the response's progress and the writers waiting for
/// the socket.
final class HTTP1Call {
  let id: Int
  let wire: WireCall
  let route: HTTP1Routes.Route
  let context: ServerContext
  /// What the call's record will say (request id, caller, bytes).
  var observed: ObservedCall
  /// Whether the connection may carry another request after this one.
  let keepAlive: Bool
  private var decoder: WireRequestDecoder
  private var request: ByteBuffer?
  var task: Task<Void, Never>?
  var deadlineTimer: Scheduled<Void>?
  /// The response head went out (a failure now ends the stream instead of replacing it).
  var responseStarted = false
  /// Writers waiting for the channel to become writable.
  var writers = SuspendedWriters()

  init(
    id: Int, wire: WireCall, route: HTTP1Routes.Route, context: ServerContext, observed: ObservedCall,
    keepAlive: Bool
  ) {
    self.id = id
    self.observed = observed
    self.wire = wire
    self.route = route
    self.context = context
    self.keepAlive = keepAlive
    self.decoder = wire.makeDecoder()
  }

  /// Takes request body bytes; fails as soon as they cannot make one acceptable message.
  func receive(_ bytes: ByteBuffer) throws(RPCError) {
    observed.requestBytes += bytes.readableBytes
    try decoder.append(bytes)
    while let message = try decoder.next() { try take(message) }
  }

  /// The request message once the body is complete.
  func requestMessage() throws(RPCError) -> ByteBuffer {
    if let message = try decoder.finish() { try take(message) }
    guard let request else {
      throw RPCError(code: .internalError, message: "no request message")
    }
    self.request = nil
    return request
  }

  private func take(_ message: ByteBuffer) throws(RPCError) {
    guard request == nil else {
      throw RPCError(code: .internalError, message: "more than one request for a unary call")
    }
    request = message
  }

  /// Stops everything running for the call: the deadline, the task, waiting writers.
  func abandon(_ error: RPCError) {
    deadlineTimer?.cancel()
    task?.cancel()
    writers.failAll(error)
  }

  /// Lets waiting writers continue.
  func resumeWriters() {
    writers.resumeAll()
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
