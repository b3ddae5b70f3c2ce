internal import NIOCore
internal import NIOHTTP1
internal import RPCCore

/// Answers on an HTTP/1.1 connection: whole answers (unary results, errors, refusals) and
/// message streams (chunked bodies ended by the protocol's end-of-stream frame).
extension HTTP1ConnectionHandler {
  /// Writes a whole answer: head, body, end; closes after it unless `keepAlive`.
  func answer(_ answer: (HTTPResponseHead, ByteBuffer), keepAlive: Bool) {
    var (head, body) = answer
    let keepAlive = keepAlive && !(requestOpen && continueAwaited)
    if !keepAlive { head.headers.replaceOrAdd(name: "connection", value: "close") }
    writeHead(head)
    if body.readableBytes > 0 { writeBody(body) }
    writeEnd(keepAlive: keepAlive)
  }

  /// A request this server does not serve as a call: a bare HTTP status, with a short text
  /// when the client can do something about it.
  func refuse(
    _ request: HTTPRequestHead, status: HTTPResponseStatus, close: Bool = false,
    extra: [(String, String)] = [], message: String? = nil
  ) {
    var body = ByteBuffer()
    if let message { body.writeString(message + "\n") }
    var headers = HTTPHeaders(extra)
    if message != nil { headers.add(name: "content-type", value: "text/plain; charset=utf-8") }
    headers.add(name: "content-length", value: String(body.readableBytes))
    answer(
      (HTTPResponseHead(version: .http1_1, status: status, headers: headers), body),
      keepAlive: request.isKeepAlive && !close)
  }

  /// Completion of a unary handler (inline or task).
  func complete(call id: Int, result: Result<ByteBuffer, any Error>) {
    guard let call, call.id == id else { return }
    switch result {
    case .success(let message):
      do {
        try answerUnary(call, message: message)
      } catch {
        fail(call: id, MethodHandler.status(for: error, logger: logger))
      }
    case .failure(let error):
      fail(call: id, MethodHandler.status(for: error, logger: logger))
    }
  }

  private func answerUnary(_ call: HTTP1Call, message: ByteBuffer) throws {
    var body = ByteBuffer()
    let compressed: Bool
    if call.wire.isEnveloped {
      try call.framer.frame(message, into: &body)
      compressed = call.framer.compression != nil
      body.writeImmutableBuffer(call.wire.streamEnd(nil))
    } else {
      var framed = ByteBuffer()
      try call.framer.frame(message, into: &framed)
      compressed = framed.readableBytes > 0 && framed.getInteger(at: framed.readerIndex, as: UInt8.self) == 1
      framed.moveReaderIndex(forwardBy: 5)
      body = framed
    }
    call.deadlineTimer?.cancel()
    answer(
      (call.wire.okHead(compressed: compressed, contentLength: body.readableBytes), body),
      keepAlive: call.keepAlive)
  }

  /// A streaming handler wrote a framed message.
  func write(_ framed: ByteBuffer, call id: Int, continuation: CheckedContinuation<Void, any Error>) {
    guard let call, call.id == id, let context else {
      return continuation.resume(throwing: RPCError(code: .cancelled, message: "call closed"))
    }
    if !call.responseStarted {
      call.responseStarted = true
      var head = call.wire.okHead(compressed: call.framer.compression != nil)
      if !call.keepAlive { head.headers.replaceOrAdd(name: "connection", value: "close") }
      writeHead(head)
    }
    context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(framed))), promise: nil)
    if context.channel.isWritable {
      continuation.resume()
    } else {
      call.writers.append(continuation)
    }
  }

  /// A streaming handler returned (`nil`) or threw.
  func finish(call id: Int, error: (any Error)?) {
    guard let call, call.id == id else { return }
    if let error {
      fail(call: id, MethodHandler.status(for: error, logger: logger))
    } else {
      end(call, status: nil)
    }
  }

  /// Ends a call with an error, stopping whatever still runs for it.
  func fail(call id: Int, _ error: RPCError, keepAlive: Bool = true) {
    guard let call, call.id == id else { return }
    call.abandon(error)
    end(call, status: error, keepAlive: keepAlive)
  }

  private func end(_ call: HTTP1Call, status: RPCError?, keepAlive: Bool = true) {
    call.deadlineTimer?.cancel()
    let keepAlive = keepAlive && call.keepAlive
    guard call.responseStarted else {
      guard let status else {  // a stream that ended without a message
        let body = call.wire.streamEnd(nil)
        return answer(
          (call.wire.okHead(compressed: false, contentLength: body.readableBytes), body),
          keepAlive: keepAlive)
      }
      return answer(call.wire.errorAnswer(status), keepAlive: keepAlive)
    }
    writeBody(call.wire.streamEnd(status))
    writeEnd(keepAlive: keepAlive)
  }

  // MARK: writing parts

  private func writeHead(_ head: HTTPResponseHead) {
    context?.write(wrapOutboundOut(.head(head)), promise: nil)
  }

  private func writeBody(_ body: ByteBuffer) {
    context?.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
  }

  /// Ends the response; then the connection waits for the next request or closes.
  private func writeEnd(keepAlive: Bool) {
    guard let context else { return }
    endingResponse = true
    lastWrite = context.writeAndFlush(wrapOutboundOut(.end(nil)))
    endingResponse = false
    answered(keepAlive: keepAlive)
    handleHeldParts()
  }
}
