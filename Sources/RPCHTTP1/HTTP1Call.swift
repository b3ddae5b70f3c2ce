internal import NIOCore
internal import RPCCore

/// The state of the one call an HTTP/1.1 connection runs at a time, owned by the connection
/// handler on its event loop: the request body as it arrives, the running handler, the
/// response's progress and the writers waiting for the socket.
final class HTTP1Call {
  let id: Int
  let wire: HTTP1Wire
  let route: HTTP1Routes.Route
  let context: ServerContext
  /// Whether the connection may carry another request after this one.
  let keepAlive: Bool
  /// The request's compression (`nil`: none).
  let requestEncoding: CompressionAlgorithm?
  /// Frames (and compresses, when the client accepts it) response messages.
  let framer: GRPCMessageFramer
  private let maxMessageSize: Int
  private var body = ByteBuffer()
  private var deframer: GRPCMessageDeframer
  private var request: ByteBuffer?
  var task: Task<Void, Never>?
  var deadlineTimer: Scheduled<Void>?
  /// The response head went out (a failure now ends the stream instead of replacing it).
  var responseStarted = false
  /// Writers waiting for the channel to become writable.
  var writers: [CheckedContinuation<Void, any Error>] = []

  init(
    id: Int, wire: HTTP1Wire, route: HTTP1Routes.Route, context: ServerContext,
    keepAlive: Bool, requestEncoding: CompressionAlgorithm?, respondGzip: Bool,
    maxMessageSize: Int
  ) {
    self.id = id
    self.wire = wire
    self.route = route
    self.context = context
    self.keepAlive = keepAlive
    self.requestEncoding = requestEncoding
    self.maxMessageSize = maxMessageSize
    self.framer = GRPCMessageFramer(
      compression: respondGzip ? .gzip : nil, maxMessageSize: maxMessageSize)
    self.deframer = GRPCMessageDeframer(maxMessageSize: maxMessageSize, encoding: requestEncoding)
  }

  /// Takes request body bytes; fails as soon as they cannot make one acceptable message.
  func receive(_ bytes: ByteBuffer) throws(RPCError) {
    guard wire.isEnveloped else {
      guard body.readableBytes + bytes.readableBytes <= maxMessageSize else {
        throw RPCError(
          code: .resourceExhausted,
          message: "request body exceeds the limit of \(maxMessageSize) bytes")
      }
      body.writeImmutableBuffer(bytes)
      return
    }
    deframer.append(bytes)
    while let message = try deframer.next() {
      guard request == nil else {
        throw RPCError(code: .invalidArgument, message: "more than one request message")
      }
      request = message
    }
  }

  /// The request message once the body is complete.
  func requestMessage() throws(RPCError) -> ByteBuffer {
    guard wire.isEnveloped else {
      guard let requestEncoding, requestEncoding != .identity else { return body }
      do {
        return try Zlib.decompress(body, limit: maxMessageSize)
      } catch .limitExceeded {
        throw RPCError(
          code: .resourceExhausted,
          message: "decompressed request exceeds the limit of \(maxMessageSize) bytes")
      } catch {
        throw RPCError(code: .invalidArgument, message: "invalid gzip request body")
      }
    }
    if deframer.hasPartialMessage {
      throw RPCError(code: .invalidArgument, message: "request body ended inside a message")
    }
    guard let request else {
      throw RPCError(code: .invalidArgument, message: "no request message")
    }
    return request
  }

  /// Stops everything running for the call: the deadline, the task, waiting writers.
  func abandon(_ error: RPCError) {
    deadlineTimer?.cancel()
    task?.cancel()
    let waiting = writers
    writers = []
    for writer in waiting { writer.resume(throwing: error) }
  }

  /// Lets waiting writers continue.
  func resumeWriters() {
    let waiting = writers
    writers = []
    for writer in waiting { writer.resume() }
  }
}

/// A handle on the running call that handler tasks use from any thread; every operation hops
/// to the connection's event loop.
struct HTTP1CallHandle: Sendable {
  let call: Int
  let eventLoop: any EventLoop
  let connection: NIOLoopBound<HTTP1ConnectionHandler>
  let framer: GRPCMessageFramer

  /// Sends one serialized message, suspending while the socket is backed up.
  func write(_ message: ByteBuffer) async throws {
    try Task.checkCancellation()
    var framed = ByteBufferAllocator().buffer(capacity: message.readableBytes + 5)
    try framer.frame(message, into: &framed)
    let bytes = framed
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
      eventLoop.execute { connection.value.write(bytes, call: call, continuation: continuation) }
    }
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
