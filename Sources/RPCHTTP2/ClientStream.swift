internal import NIOCore
internal import RPCCore

/// The state of one client call's stream, owned by the connection handler on the loop.
final class ClientStream {
  let id: Int32
  var deframer: GRPCMessageDeframer
  var responses: AsyncThrowingStream<GRPCEnvelope, any Error>.Continuation?
  /// The reader's backlog, and the stream window held back because of it.
  let window: InboundWindow
  var withheld = 0
  var sawHeaders = false
  var deadlineTimer: Scheduled<Void>?
  var writers = SuspendedWriters()
  /// Told each response header block's fields (``CallOptions/onResponseMetadata``).
  var onResponseMetadata: (@Sendable (Metadata) -> Void)?
  /// A plain HTTP exchange (``RPCClient/exchange(_:timeout:)``), not a gRPC call: its head
  /// goes here and its body, unframed, to `responses` as one envelope at the end.
  var plain: PlainResponseHead?
  var plainBody: ByteBuffer?

  init(
    id: Int32, maxMessageSize: Int,
    responses: AsyncThrowingStream<GRPCEnvelope, any Error>.Continuation, window: InboundWindow
  ) {
    self.id = id
    self.window = window
    self.deframer = GRPCMessageDeframer(maxMessageSize: maxMessageSize)
    self.responses = responses
  }

  /// Ends the response sequence, with an error unless `status` is `nil`; stops writers.
  func complete(_ status: RPCError?) {
    deadlineTimer?.cancel()
    if let status {
      responses?.finish(throwing: status)
    } else {
      responses?.finish()
    }
    responses = nil
    writers.failAll(status ?? RPCError(code: .cancelled, message: "call finished"))
  }

  func resumeWriters() {
    writers.resumeAll()
  }
}

/// A Sendable handle on a client call; every operation hops to the connection's loop.
struct ClientCallHandle: Sendable {
  let stream: Int32
  let eventLoop: any EventLoop
  let connection: NIOLoopBound<ClientConnectionHandler>
  let framer: GRPCMessageFramer

  /// Sends one serialized request message, optionally ending the request stream after it;
  /// suspends while the stream's output is backed up.
  func write(_ message: ByteBuffer, end: Bool = false) async throws {
    try Task.checkCancellation()
    var framed = ByteBufferAllocator().buffer(capacity: message.readableBytes + 5)
    try framer.frame(message, into: &framed)
    let bytes = framed
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
      eventLoop.execute {
        connection.value.write(bytes, end: end, stream: stream, continuation: continuation)
      }
    }
  }

  /// The reader caught up: return the stream window held back.
  func releaseWindow() {
    eventLoop.execute { connection.value.releaseWindow(stream: stream) }
  }

  /// Ends the request stream (END_STREAM).
  func end() {
    eventLoop.execute { connection.value.endRequests(stream: stream) }
  }

  /// Resets the stream with CANCEL and fails the call with `status`.
  func cancel(_ status: RPCError) {
    eventLoop.execute { connection.value.cancel(stream: stream, status: status) }
  }
}

extension RPCError {
  private static let refusedMarker = "x-rpc-internal-refused-stream"

  /// The peer refused the stream before processing it (REFUSED_STREAM, or a request still
  /// queued when GOAWAY arrived): safe to send again on a new connection.
  static func refusedStream(by target: String) -> RPCError {
    RPCError(
      code: .unavailable, message: "stream refused by \(target) before processing",
      metadata: [refusedMarker: "1"])
  }

  var isRefusedStream: Bool { code == .unavailable && metadata.first(Self.refusedMarker) != nil }

  /// The error as callers see it, without the transport's marker.
  var withoutTransportMarker: RPCError {
    guard isRefusedStream else { return self }
    var copy = self
    copy.metadata.remove(Self.refusedMarker)
    return copy
  }
}
