internal import NIOCore
internal import RPCCore

/// Answers on server streams: messages, statuses and HTTP rejections, shaped by each call's
/// `WireCall` (plain gRPC through pre-encoded header blocks).
extension ServerConnectionHandler {
  /// A whole unary answer at once: headers, the framed message and the status.
  func respond(_ stream: ServerStream, framed: ByteBuffer) {
    let actions = stream.machine.handlerResponded()
    if actions.steps.has(.sendResponse) {
      if stream.call.wireProtocol == .grpc {
        let headers =
          stream.policy.map { successHead(stream, $0) }
          ?? (stream.framer.compression == nil ? Self.responseHeaders : Self.gzipResponseHeaders)
        session.submitResponse(
          stream: stream.id, headers: headers, adding: stream.requestIDField, body: framed,
          trailers: Self.okTrailers)
      } else {
        submit(
          stream.call.unaryResponse(framed, adding: stream.extraFields()), stream: stream.id,
          adding: stream.requestIDField)
      }
      stream.observed.responseBytes += framed.readableBytes
    }
    perform(actions, stream)
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
    let actions = stream.machine.handlerWrote()
    guard actions.steps.has(.sendMessage) else {
      continuation.resume(throwing: RPCError(code: .cancelled, message: "call closed"))
      return perform(actions, stream)  // illegal: the machine fails the call
    }
    if actions.steps.has(.sendHead) {
      let headers: HeaderBlock
      if let policy = stream.policy {
        headers = successHead(stream, policy)
      } else if stream.call.wireProtocol == .grpc {
        headers = stream.framer.compression == nil ? Self.responseHeaders : Self.gzipResponseHeaders
      } else {
        headers = headerBlock(stream.call.responseHead())
      }
      session.submitResponse(stream: id, headers: headers, adding: stream.requestIDField, endStream: false)
    }
    stream.observed.responseBytes += framed.readableBytes
    session.enqueue(framed, stream: id)
    if session.queuedBytes(stream: id) > limits.maxBufferedOutputPerStream {
      stream.writers.append(continuation)
      session.notifyWhenDrained(stream: id)
    } else if connectionIsFull() {
      stream.writers.append(continuation)
      waitForRoom(stream)
    } else {
      continuation.resume()
    }
    scheduleFlush()
  }

  /// A streaming handler returned (`nil`) or threw.
  func finish(stream id: Int32, error: (any Error)?) {
    guard let stream = streams[id] else { return }
    perform(stream.machine.handlerFinished(error.map { MethodHandler.status(for: $0, logger: logger) }), stream)
  }

  /// Ends a call with an error status, stopping whatever still runs for it.
  func fail(stream id: Int32, _ error: RPCError) {
    guard let stream = streams[id] else { return }
    perform(stream.machine.fail(error), stream)
  }

  /// Ends the response with `status` (`nil`: OK): trailers after a started response, else
  /// the whole answer (the machine's sendStatus step).
  func end(_ stream: ServerStream, status: RPCError?, responseStarted: Bool) {
    let id = stream.id
    if stream.call.wireProtocol == .grpc, responseStarted, status == nil {
      session.finish(stream: id, trailers: Self.okTrailers)
    } else {
      let extra = responseStarted ? [] : stream.extraFields()
      let (response, echo) = ending(
        stream.call, status, responseStarted: responseStarted, adding: extra, requestID: stream.observed.requestID)
      submit(response, stream: id, adding: echo ? stream.requestIDField : nil)
    }
  }

  /// The end of `call` with `status`, as the peer can take it: a status whose header fields
  /// exceed what this connection sends (the peer's SETTINGS_MAX_HEADER_LIST_SIZE, nghttp2's
  /// limit) would never arrive, and the call would hang; it becomes a short `INTERNAL`.
  /// `requestID` goes with the head (``submit(_:stream:adding:)``) and counts towards it; the
  /// short `INTERNAL` goes without it (`echo` false).
  func ending(
    _ call: WireCall, _ status: RPCError?, responseStarted: Bool, adding extra: [(String, String)] = [],
    requestID: String
  ) -> (response: WireResponse, echo: Bool) {
    let response = call.end(status, responseStarted: responseStarted, adding: extra)
    let limit = session.maxSendHeaderListSize
    let echoed = response.head == nil ? 0 : RequestID.fieldName.utf8.count + requestID.utf8.count + 32
    let size = response.largestHeaderList + echoed
    guard let status, size > limit else { return (response, true) }
    logger.warning(
      "status too large to send, replaced by INTERNAL",
      metadata: ["peer": "\(peer)", "code": "\(status.code)", "header-list": "\(size)"])
    let short = RPCError(
      code: .internalError,
      message: "the server's \(status.code) status was too large to send (\(size) bytes of header "
        + "fields; this connection takes \(limit))")
    return (call.end(short, responseStarted: responseStarted), false)
  }

  /// Refuses a call before any stream state existed with the protocol's error answer
  /// (unknown method, bad encoding, authentication).
  func refuse(_ id: Int32, _ call: WireCall, _ error: RPCError, _ observed: ObservedCall) {
    let (response, echo) = ending(call, error, responseStarted: false, requestID: observed.requestID)
    answer(id, response, requestID: echo ? observed.requestID : nil)
    observers.finished(observed, status: error)
  }

  /// Refuses a request before any stream state existed with a bare HTTP answer (not POST, a
  /// content type we do not serve).
  func refuse(_ id: Int32, _ rejection: WireRejection, _ observed: ObservedCall) {
    answer(id, rejection.response, requestID: observed.requestID)
    observers.finished(observed, httpStatus: rejection.response.head?.status ?? 500)
  }

  /// A whole answer before any stream state existed: a rejection or an error; `requestID`
  /// echoed in its head.
  func answer(_ id: Int32, _ response: WireResponse, requestID: String? = nil) {
    submit(response, stream: id, adding: requestID.map { (RequestID.fieldName, $0) })
    scheduleFlush()
    noteStreamGone()
  }

  /// Submits a piece of response: its head (starting the response, or the whole of it when
  /// nothing follows; `field` follows the head's fields), body bytes and trailers, then the
  /// end of the stream.
  private func submit(_ response: WireResponse, stream id: Int32, adding field: (name: String, value: String)? = nil) {
    let trailers = response.trailers.map { HeaderBlock($0) }
    if let head = response.head {
      let headers = headerBlock(head)
      if response.body == nil, trailers == nil {
        session.submitResponse(stream: id, headers: headers, adding: field, endStream: true)
      } else {
        session.submitResponse(
          stream: id, headers: headers, adding: field, body: response.body ?? allocator.buffer(capacity: 0),
          trailers: trailers)
      }
    } else {
      if let body = response.body { session.enqueue(body, stream: id) }
      session.finish(stream: id, trailers: trailers)
    }
  }

  /// The encoded success head of a call under `policy`, with the policy's fields: encoded
  /// again only when the policy's version (the revision), the policy or the head changed
  /// since the last one this connection sent, or when the call has fields of its own
  /// (``CallPolicy/callFields(for:)``, encoded for it alone).
  func successHead(_ stream: ServerStream, _ policy: any CallPolicy) -> HeaderBlock {
    let version = policy.responseVersion(for: stream.context)
    let key = stream.call.responseHeadKey
    let own = policy.callFields(for: stream.context)
    if own.isEmpty, let last = lastPolicyHead, last.policy === policy, last.version == version, last.key == key {
      return last.block
    }
    let head = stream.call.responseHead()
    let block = HeaderBlock([(":status", String(head.status))] + head.fields + policy.responseFields(version: version) + own)
    if own.isEmpty { lastPolicyHead = (policy, version, key, block) }
    return block
  }

  /// The encoded head; fixed success heads are encoded once per connection.
  func headerBlock(_ head: WireResponseHead) -> HeaderBlock {
    if let key = head.key, let block = encodedHeads[key] { return block }
    let block = HeaderBlock([(":status", String(head.status))] + head.fields)
    if let key = head.key { encodedHeads[key] = block }
    return block
  }
}
