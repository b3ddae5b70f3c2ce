internal import NIOCore
internal import RPCCore

/// Answers on server streams: messages, statuses, trailers-only errors and HTTP rejections.
extension ServerConnectionHandler {
  /// A whole unary answer at once: headers, the framed message, OK trailers.
  func respond(_ stream: ServerStream, framed: ByteBuffer) {
    streams[stream.id] = nil
    stream.deadlineTimer?.cancel()
    let headers = stream.framer.compression == nil ? Self.responseHeaders : Self.gzipResponseHeaders
    session.submitResponse(
      stream: stream.id, headers: headers, body: framed, trailers: Self.okTrailers)
    scheduleFlush()
    noteStreamGone()
  }

  /// Completion of a unary handler task.
  func complete(stream id: Int32, result: Result<ByteBuffer, any Error>) {
    guard let stream = streams[id] else { return }
    switch result {
    case .success(let message):
      var framed = allocator.buffer(capacity: message.readableBytes + 5)
      do {
        try stream.framer.frame(message, into: &framed)
        respond(stream, framed: framed)
      } catch {
        fail(stream: id, MethodHandler.status(for: error, logger: logger))
      }
    case .failure(let error):
      fail(stream: id, MethodHandler.status(for: error, logger: logger))
    }
  }

  /// A streaming handler wrote a framed message.
  func write(
    _ framed: ByteBuffer, stream id: Int32, continuation: CheckedContinuation<Void, any Error>
  ) {
    guard let stream = streams[id] else {
      return continuation.resume(throwing: RPCError(code: .cancelled, message: "call closed"))
    }
    if !stream.responseStarted {
      stream.responseStarted = true
      let headers =
        stream.framer.compression == nil ? Self.responseHeaders : Self.gzipResponseHeaders
      session.submitResponse(stream: id, headers: headers, endStream: false)
    }
    session.enqueue(framed, stream: id)
    if session.queuedBytes(stream: id) > limits.maxBufferedOutputPerStream {
      stream.writers.append(continuation)
      session.notifyWhenDrained(stream: id)
    } else {
      continuation.resume()
    }
    scheduleFlush()
  }

  /// A streaming handler returned (`nil`) or threw.
  func finish(stream id: Int32, error: (any Error)?) {
    guard streams[id] != nil else { return }
    if let error {
      fail(stream: id, MethodHandler.status(for: error, logger: logger))
    } else {
      end(stream: id, status: nil)
    }
  }

  /// Ends a call with an error status, stopping whatever still runs for it.
  func fail(stream id: Int32, _ error: RPCError) {
    guard let stream = streams[id] else { return }
    stream.abandon(error)
    end(stream: id, status: error)
  }

  private func end(stream id: Int32, status: RPCError?) {
    guard let stream = streams.removeValue(forKey: id) else { return }
    stream.deadlineTimer?.cancel()
    if stream.responseStarted {
      let trailers = status == nil ? Self.okTrailers : HeaderBlock(GRPCWire.statusFields(status))
      session.finish(stream: id, trailers: trailers)
    } else {
      submitTrailersOnly(id, status)
    }
    scheduleFlush()
    noteStreamGone()
  }

  /// An error before any stream state existed (unknown method, bad encoding).
  func respondTrailersOnly(_ id: Int32, _ status: RPCError) {
    submitTrailersOnly(id, status)
    scheduleFlush()
    noteStreamGone()
  }

  private func submitTrailersOnly(_ id: Int32, _ status: RPCError?) {
    var fields = [
      (":status", "200"), ("content-type", GRPCWire.contentType),
      ("grpc-accept-encoding", CompressionAlgorithm.advertised),
    ]
    fields += GRPCWire.statusFields(status)
    session.submitResponse(stream: id, headers: HeaderBlock(fields), endStream: true)
  }

  /// A request that is not gRPC at all: a bare HTTP status.
  func reject(_ id: Int32, status: String) {
    session.submitResponse(
      stream: id, headers: HeaderBlock([(":status", status)]), endStream: true)
    scheduleFlush()
    noteStreamGone()
  }
}
