internal import NIOCore
internal import RPCCore

/// A server connection's calls: reading request heads (refusals before any call state), then
/// feeding each stream's `ServerCallStateMachine` its events and running handlers inline or
/// in tasks when it says so (`+Steps` runs its other steps, `+Responses` sends).
extension ServerConnectionHandler: NGHTTP2SessionDelegate {
  typealias HeaderBlock = NGHTTP2Session.HeaderBlock

  /// Plain gRPC's fixed response headers and trailers, encoded once (the hot path); the
  /// other protocols' come from their `WireCall`.
  static let responseHeaders = HeaderBlock([
    (":status", "200"), ("content-type", GRPCWire.contentType),
    ("grpc-accept-encoding", CompressionAlgorithm.advertised),
  ])
  static let gzipResponseHeaders = HeaderBlock([
    (":status", "200"), ("content-type", GRPCWire.contentType), ("grpc-encoding", "gzip"),
    ("grpc-accept-encoding", CompressionAlgorithm.advertised),
  ])
  static let okTrailers = HeaderBlock([("grpc-status", "0")])

  func session(beginHeaders id: Int32) {
    collecting = streams[id] == nil && !isPlain(id)
    if collecting { head = RequestHead() }
  }

  func session(header name: HeaderBytes, value: HeaderBytes, stream id: Int32) {
    if collecting { head.add(name, value, shared: shared, lastRoute: &lastRoute) }
  }

  func session(endHeaders id: Int32, endStream: Bool) {
    guard collecting else {  // request trailers: only their END_STREAM matters
      if endStream { session(endOfStream: id) }
      return
    }
    collecting = false
    noteRequest()
    // moved out, an empty head left (`swap`): `let request = head` then `head = RequestHead()`
    // retained every string of the head and released them again
    var request = RequestHead()
    swap(&request, &head)
    // `shared.x`, not the `x` that returns `shared.x`: a computed property's value was retained
    // and released on every use (perf: retains in the header callback, ~1.5 % of pool Get's samples)
    if request.route == nil, let route = shared.plainRoutes[target: request.path ?? ""] {
      return beginPlain(id, request, route, endStream: endStream)
    }
    var observed = ObservedCall(
      descriptor: request.route?.descriptor, path: request.path ?? "", contentType: request.contentType,
      fields: request.fields, httpVersion: "2", peer: peer, requestIDs: &requestIDs)
    let call: WireCall
    do {
      call = try WireCall(head: request.wireHead, maxMessageSize: shared.limits.maxMessageSize)
    } catch {
      return refuse(id, error, observed)
    }
    guard request.size <= shared.limits.maxHeaderListSize else {
      let error = RPCError(
        code: .resourceExhausted,
        message: "header list of \(request.size) bytes exceeds the limit of \(limits.maxHeaderListSize) bytes")
      return refuse(id, call, error, observed)
    }
    guard let route = request.route else {
      return refuse(id, call, RPCError.unknownMethod(request.path ?? ""), observed)
    }
    if let rejection = call.rejection(for: route.handler) {
      return refuse(id, rejection, observed)
    }
    if let problem = call.headerError {
      return refuse(id, call, problem, observed)
    }
    var deadline: ContinuousClock.Instant?
    if let timeout = call.timeout { deadline = .now + timeout }
    var context = ServerContext(
      method: route.descriptor, requestMetadata: call.metadata, deadline: deadline,
      peer: peer, logger: shared.logger)
    context.authority = request.authority ?? call.metadata.first("host")
    context.requestID = observed.requestID
    if !shared.observers.isEmpty, shared.authenticator != nil {
      observed.identified = IdentifiedCaller()
      context.identifiedCaller = observed.identified
    }
    do {
      try context.authenticate(by: shared.authenticator)
    } catch {
      return refuse(id, call, error, observed)
    }
    observed.caller = context.caller
    context.traceStart(wire: "\(call.wireProtocol) over HTTP/2")
    let stream = ServerStream(
      id: id, handler: route.handler, policy: route.policy, context: context, call: call, observed: observed)
    streams[id] = stream
    counts?.addStreams(1)
    perform(stream.machine.start(timeout: call.timeout), stream)
    if endStream { session(endOfStream: id) }
  }

  func session(data: ByteBuffer, stream id: Int32) {
    let size = data.readableBytes
    if isPlain(id) { return receivePlain(data, stream: id) }
    guard let stream = streams[id] else {
      return session.consume(stream: id, bytes: size)
    }
    stream.observed.requestBytes += size
    defer {
      if let window = stream.window, window.mustWithhold() {
        stream.withheld += size
      } else {
        session.consume(stream: id, bytes: size)
      }
    }
    do {
      try stream.decoder.append(data)
      if stream.inbound != nil {
        // Kept compressed until the handler takes them: the backlog is counted in wire bytes.
        while let envelope = try stream.decoder.nextEnvelope() {
          let actions = stream.machine.receivedMessage()
          if actions.steps.has(.deliverRequest), let inbound = stream.inbound {
            stream.window?.queued(envelope.payload.readableBytes)
            inbound.yield(envelope)
          }
          perform(actions, stream)
        }
      } else {
        while let message = try stream.decoder.next() { take(message, stream) }
      }
    } catch {
      perform(stream.machine.fail(MethodHandler.status(for: error, logger: logger)), stream)
    }
  }

  /// A whole request message of a unary-request call: kept when the machine says so.
  private func take(_ message: ByteBuffer, _ stream: ServerStream) {
    let actions = stream.machine.receivedMessage()
    if actions.steps.has(.keepRequest) { stream.request = message }
    perform(actions, stream)
  }

  func session(endOfStream id: Int32) {
    if isPlain(id) { return endOfPlainRequest(stream: id) }
    guard let stream = streams[id] else { return }
    do {
      if let message = try stream.decoder.finish() { take(message, stream) }
    } catch {
      return perform(stream.machine.fail(error), stream)
    }
    guard !stream.machine.isClosed else { return }
    let hasRoom = !replyBudget.isWaiting && replyBudget.hasRoom(queued: session.queuedBytes)
    perform(stream.machine.receivedEnd(hasRoom: hasRoom), stream)
  }

  func session(closed id: Int32, errorCode: UInt32) {
    if !plainStreams.isEmpty, let plain = plainStreams.removeValue(forKey: id) {
      plain.task?.cancel()
      return noteStreamGone()
    }
    guard let stream = streams[id] else { return }
    perform(stream.machine.cancelled(RPCError(code: .cancelled, message: "stream reset by the client")), stream)
  }

  func session(goAway lastStreamID: Int32, errorCode: UInt32) {}

  func session(drained id: Int32) {
    guard let stream = streams[id] else { return }
    perform(stream.machine.writeDrained(), stream)
  }

  /// A bidi handler caught up with its requests: return the window held back.
  func releaseWindow(stream id: Int32) {
    guard let stream = streams[id], stream.withheld > 0 else { return }
    session.consume(stream: id, bytes: stream.withheld)
    stream.withheld = 0
    scheduleFlush()
  }

  // MARK: running handlers

  /// Runs the handler (the machine's dispatch step): a bidi handler at the head, a
  /// unary-request one with its kept request.
  func dispatch(_ stream: ServerStream) {
    if case .bidiStreaming = stream.handler {
      do {
        if case .bidiStreaming(let run) = try stream.handler.admitted(stream.context, by: stream.policy) {
          startBidi(stream, run)
        }
      } catch {
        perform(stream.machine.fail(error), stream)
      }
      return
    }
    guard let request = stream.request else { return }
    stream.request = nil
    dispatch(stream, request: request)
  }

  private func dispatch(_ stream: ServerStream, request: ByteBuffer) {
    let context = stream.context
    var handler: MethodHandler
    do {
      handler = try stream.handler.admitted(context, by: stream.policy)
    } catch {
      return perform(stream.machine.fail(error), stream)
    }
    if case .unaryInlineFirst(let fast, let full) = handler {
      // Its fast part answers here, in the read the call came in (a heartbeat's report that
      // changes nothing durable): the answer goes out with that read's flush, where the
      // sink's hop to the event loop took two more turns of it (the completion, then its
      // flush) and armed the call's deadline timer.
      var out = allocator.buffer(capacity: 64)
      do {
        if try fast(request, context, GRPCMessageFramer(isEnveloped: false), &out) {
          return complete(stream: stream.id, result: .success(out))
        }
      } catch {
        return complete(stream: stream.id, result: .failure(error))
      }
      handler = .unary(full)
    }
    if case .unaryInline(let run) = handler {
      var out = allocator.buffer(capacity: 512)
      do {
        try run(request, context, stream.framer, &out)
        respond(stream, framed: out)
      } catch {
        fail(stream: stream.id, MethodHandler.status(for: error, logger: logger))
      }
      return
    }
    guard let handle = self.handle(for: stream) else { return }
    stream.task = handler.start(request: request, context: context, sink: handle)
  }

  private func startBidi(
    _ stream: ServerStream,
    _ run: @escaping @Sendable (RPCAsyncSequence<ByteBuffer>, RPCWriter<ByteBuffer>, ServerContext)
      async throws -> Void
  ) {
    let (requests, continuation) = AsyncThrowingStream<GRPCEnvelope, any Error>.makeStream()
    stream.inbound = continuation
    let window = InboundWindow(highWater: limits.initialStreamWindow)
    stream.window = window
    guard let handle = self.handle(for: stream) else { return }
    let writer = RPCWriter<ByteBuffer> { try await handle.write($0) }
    let context = stream.context
    let requestSequence = RPCAsyncSequence(requests) { envelope in
      if window.taken(envelope.payload.readableBytes) { handle.releaseWindow() }
    }.map { try $0.message() }
    stream.task = Task {
      do {
        try await run(requestSequence, writer, context)
        handle.finish(nil)
      } catch {
        handle.finish(error)
      }
    }
  }

  private func handle(for stream: ServerStream) -> ServerStreamHandle? {
    guard let loop = context?.eventLoop else { return nil }
    return ServerStreamHandle(
      stream: stream.id, eventLoop: loop, connection: NIOLoopBound(self, eventLoop: loop),
      framer: stream.framer)
  }
}
