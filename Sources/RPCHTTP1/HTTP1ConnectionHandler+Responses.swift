internal import NIOCore
internal import NIOHTTP1
internal import RPCCore

/// Answers on an HTTP/1.1 connection, as `WireCall` shapes them: whole answers (unary
/// results, errors, refusals) with a `Content-Length`, and message streams as chunked bodies
/// ended by the protocol's end-of-stream envelope.
extension HTTP1ConnectionHandler {
  /// Writes a whole answer: head, body, end; closes after it unless `keepAlive`.
  /// `requestID`, when given, is echoed in the head.
  func answer(_ response: WireResponse, keepAlive: Bool, requestID: String? = nil) {
    let keepAlive = keepAlive && !(requestOpen && continueAwaited)
    if let head = response.head {
      var headers = Self.headers(head, keepAlive: keepAlive)
      if let requestID { headers.add(name: RequestID.fieldName, value: requestID) }
      // a bodiless answer that states its length (a HEAD answer: the GET's) keeps it
      if response.body != nil || !headers.contains(name: "content-length") {
        headers.replaceOrAdd(name: "content-length", value: String(response.body?.readableBytes ?? 0))
      }
      writeHead(HTTPResponseHead(version: responseVersion, status: .init(statusCode: head.status), headers: headers))
    }
    if let body = response.body, body.readableBytes > 0 { writeBody(body) }
    writeEnd(keepAlive: keepAlive)
  }

  private static func headers(_ head: WireResponseHead, keepAlive: Bool) -> HTTPHeaders {
    var headers = HTTPHeaders(head.fields)
    if !keepAlive { headers.replaceOrAdd(name: "connection", value: "close") }
    return headers
  }

  /// The framed response of a unary call (inline or task).
  func respond(_ call: HTTP1Call, framed: ByteBuffer) {
    let actions = call.machine.handlerResponded()
    guard actions.steps.has(.sendResponse) else { return perform(actions, call) }
    call.observed.responseBytes += framed.readableBytes
    let response = call.wire.unaryResponse(framed, adding: call.route.extraFields(call.context))
    perform(actions, call)  // observers first: a client that has the answer finds its call counted
    answer(response, keepAlive: call.keepAlive, requestID: call.observed.requestID)
  }

  /// Completion of a unary handler task.
  func complete(call id: Int, result: Result<ByteBuffer, any Error>) {
    guard let call, call.id == id else { return }
    switch result {
    case .success(let message):
      var framed = ByteBuffer()
      do {
        try call.wire.framer.frame(message, into: &framed)
        respond(call, framed: framed)
      } catch {
        fail(call: id, MethodHandler.status(for: error, logger: logger))
      }
    case .failure(let error):
      fail(call: id, MethodHandler.status(for: error, logger: logger))
    }
  }

  /// A streaming handler wrote a framed message.
  func write(_ framed: ByteBuffer, call id: Int, continuation: CheckedContinuation<Void, any Error>) {
    guard let call, call.id == id, let context else {
      return continuation.resume(throwing: RPCError(code: .cancelled, message: "call closed"))
    }
    let actions = call.machine.handlerWrote()
    if actions.steps.has(.rejectWrite) {
      return continuation.resume(throwing: RPCError(code: .cancelled, message: "call closed"))
    }
    if actions.steps.has(.sendHead) {
      let head = call.wire.responseHead(adding: call.route.extraFields(call.context))
      var headers = Self.headers(head, keepAlive: call.keepAlive)
      headers.add(name: RequestID.fieldName, value: call.observed.requestID)
      writeHead(HTTPResponseHead(version: responseVersion, status: .init(statusCode: head.status), headers: headers))
    }
    guard actions.steps.has(.sendMessage) else {
      continuation.resume(throwing: RPCError(code: .internalError, message: "call closed"))
      return perform(actions, call)  // illegal: the machine fails the call
    }
    call.observed.responseBytes += framed.readableBytes
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
    perform(call.machine.handlerFinished(error.map { MethodHandler.status(for: $0, logger: logger) }), call)
  }

  /// Ends a call with an error, stopping whatever still runs for it.
  func fail(call id: Int, _ error: RPCError, keepAlive: Bool = true) {
    guard let call, call.id == id else { return }
    perform(call.machine.fail(error), call, keepAlive: keepAlive)
  }

  /// Ends the response with `status` (`nil`: OK): the whole error answer when the response
  /// had not started, else the protocol's end of the stream.
  func end(_ call: HTTP1Call, status: RPCError?, responseStarted started: Bool, keepAlive: Bool) {
    let keepAlive = keepAlive && call.keepAlive
    let extra = started ? [] : call.route.extraFields(call.context)
    let response = call.wire.end(status, responseStarted: started, adding: extra)
    guard started else {
      return answer(response, keepAlive: keepAlive, requestID: call.observed.requestID)
    }
    if let body = response.body { writeBody(body) }
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
