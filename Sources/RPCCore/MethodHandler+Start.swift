package import NIOCore

/// Where a handler running in a task reports, whatever the transport: each call hops to the
/// connection that owns the call.
package protocol ServerCallSink: Sendable {
  /// Frames the call's response messages.
  var framer: GRPCMessageFramer { get }
  /// Hands one framed message to the connection (from any thread); the connection resumes
  /// `continuation` once the call may write again, or fails it when the call has ended.
  func send(_ framed: ByteBuffer, continuation: CheckedContinuation<Void, any Error>)
  /// Completes a unary call with its serialized response or its failure.
  func complete(_ result: Result<ByteBuffer, any Error>)
  /// Ends a streaming call with OK (`nil`) or the given failure.
  func finish(_ error: (any Error)?)
}

extension ServerCallSink {
  /// Sends one serialized response message, suspending while the call's output is backed up.
  package func write(_ message: ByteBuffer) async throws {
    try Task.checkCancellation()
    var framed = ByteBufferAllocator().buffer(capacity: message.readableBytes + 5)
    try framer.frame(message, into: &framed)
    let bytes = framed
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
      send(bytes, continuation: continuation)
    }
  }
}

extension MethodHandler {
  /// Starts a `.unary` or `.serverStreaming` handler on its single `request` in a new task
  /// that reports to `sink`; `nil` for the handlers a transport runs itself (`.unaryInline`
  /// on the event loop, `.bidiStreaming` with its request stream). A `.unaryInlineFirst`
  /// handler's fast part runs here, on the caller's thread (the connection's event loop):
  /// when it answers, `sink` is completed before this returns `nil` (the sink hops to the
  /// connection, which on its own event loop only queues the completion); otherwise its full
  /// part runs in a task, as `.unary`'s.
  package func start(
    request: ByteBuffer, context: ServerContext, sink: some ServerCallSink
  ) -> Task<Void, Never>? {
    switch self {
    case .unaryInlineFirst(let fast, let full):
      // a bare framer: the sink frames a unary result as the call's protocol needs
      var out = ByteBufferAllocator().buffer(capacity: 64)
      do {
        guard try fast(request, context, GRPCMessageFramer(isEnveloped: false), &out) else {
          return MethodHandler.unary(full).start(request: request, context: context, sink: sink)
        }
        sink.complete(.success(out))
      } catch {
        sink.complete(.failure(error))
      }
      return nil
    case .unary(let run):
      return Task {
        do {
          sink.complete(.success(try await run(request, context)))
        } catch {
          sink.complete(.failure(error))
        }
      }
    case .serverStreaming(let run):
      let writer = RPCWriter<ByteBuffer> { try await sink.write($0) }
      return Task {
        do {
          try await run(request, writer, context)
          sink.finish(nil)
        } catch {
          sink.finish(error)
        }
      }
    case .unaryInline, .bidiStreaming:
      return nil
    }
  }
}
