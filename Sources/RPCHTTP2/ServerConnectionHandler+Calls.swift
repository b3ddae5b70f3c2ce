internal import NIOCore
internal import RPCCore

/// The gRPC rules of a server connection: validating requests, running handlers inline or
/// in tasks, and answering with messages and a status.
extension ServerConnectionHandler: NGHTTP2SessionDelegate {
  typealias HeaderBlock = NGHTTP2Session.HeaderBlock

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
    collecting = streams[id] == nil
    if collecting { head = RequestHead() }
  }

  func session(header name: HeaderBytes, value: HeaderBytes, stream id: Int32) {
    if collecting { head.add(
        name, value, routes: routes, lastRoute: &lastRoute, limit: limits.maxHeaderListSize) }
  }

  func session(endHeaders id: Int32, endStream: Bool) {
    guard collecting else {  // request trailers: only their END_STREAM matters
      if endStream { session(endOfStream: id) }
      return
    }
    collecting = false
    noteRequest()
    let request = head
    head = RequestHead()
    guard request.isPOST else {
      return reject(id, status: "405")
    }
    guard request.speaksGRPC else {
      return reject(id, status: "415")
    }
    guard request.size <= limits.maxHeaderListSize else {
      return respondTrailersOnly(
        id,
        RPCError(
          code: .resourceExhausted,
          message: "header list of \(request.size) bytes exceeds the limit of "
            + "\(limits.maxHeaderListSize) bytes"))
    }
    guard let route = request.route else {
      let path = request.path ?? ""
      return respondTrailersOnly(
        id, RPCError(code: .unimplemented, message: "unknown method \(path)"))
    }
    var encoding: CompressionAlgorithm?
    if let name = request.encoding {
      guard let algorithm = CompressionAlgorithm(encodingName: name) else {
        return respondTrailersOnly(
          id, RPCError(code: .unimplemented, message: "unsupported grpc-encoding '\(name)'"))
      }
      encoding = algorithm
    }
    var deadline: ContinuousClock.Instant?
    if let timeout = request.timeout { deadline = .now + timeout }
    let context = ServerContext(
      method: route.descriptor, requestMetadata: request.metadata, deadline: deadline,
      peer: peer, logger: logger)
    let gzip = CompressionAlgorithm.gzip.isAccepted(by: request.acceptEncoding)
    let stream = ServerStream(
      id: id, handler: route.handler, context: context,
      deframer: GRPCMessageDeframer(maxMessageSize: limits.maxMessageSize, encoding: encoding),
      framer: GRPCMessageFramer(compression: gzip ? .gzip : nil, maxMessageSize: limits.maxMessageSize))
    streams[id] = stream
    if let timeout = request.timeout, let loop = self.context?.eventLoop {
      let loopBound = NIOLoopBound(self, eventLoop: loop)
      stream.deadlineTimer = loop.scheduleTask(in: .init(timeout)) {
        loopBound.value.fail(
          stream: id, RPCError(code: .deadlineExceeded, message: "deadline exceeded"))
      }
    }
    if case .bidiStreaming(let run) = route.handler { startBidi(stream, run) }
    if endStream { session(endOfStream: id) }
  }

  func session(data: ByteBuffer, stream id: Int32) {
    let size = data.readableBytes
    guard let stream = streams[id] else {
      return session.consume(stream: id, bytes: size)
    }
    defer {
      if let window = stream.window, window.mustWithhold() {
        stream.withheld += size
      } else {
        session.consume(stream: id, bytes: size)
      }
    }
    stream.deframer.append(data)
    do {
      if let inbound = stream.inbound {
        // Kept compressed until the handler takes them: the backlog is counted in wire bytes.
        while let envelope = try stream.deframer.nextEnvelope() {
          stream.window?.queued(envelope.payload.readableBytes)
          inbound.yield(envelope)
        }
      } else {
        while let message = try stream.deframer.next() {
          stream.requestCount += 1
          guard stream.requestCount == 1 else {
            throw RPCError(
              code: .internalError, message: "more than one request for a unary call")
          }
          stream.request = message
        }
      }
    } catch {
      fail(stream: id, MethodHandler.status(for: error, logger: logger))
    }
  }

  func session(endOfStream id: Int32) {
    guard let stream = streams[id] else { return }
    if stream.deframer.hasPartialMessage {
      return fail(
        stream: id, RPCError(code: .internalError, message: "stream ended inside a message"))
    }
    if let inbound = stream.inbound {
      inbound.finish()
      stream.inbound = nil
      return
    }
    guard stream.task == nil else { return }
    guard let request = stream.request else {
      return fail(stream: id, RPCError(code: .internalError, message: "no request message"))
    }
    stream.request = nil
    dispatch(stream, request: request)
  }

  func session(closed id: Int32, errorCode: UInt32) {
    guard let stream = streams.removeValue(forKey: id) else { return }
    stream.abandon(RPCError(code: .cancelled, message: "stream reset by the client"))
    noteStreamGone()
  }

  func session(goAway lastStreamID: Int32, errorCode: UInt32) {}

  func session(drained id: Int32) {
    streams[id]?.resumeWriters()
  }

  /// A bidi handler caught up with its requests: return the window held back.
  func releaseWindow(stream id: Int32) {
    guard let stream = streams[id], stream.withheld > 0 else { return }
    session.consume(stream: id, bytes: stream.withheld)
    stream.withheld = 0
    scheduleFlush()
  }

  // MARK: running handlers

  private func dispatch(_ stream: ServerStream, request: ByteBuffer) {
    let context = stream.context
    if case .unaryInline(let run) = stream.handler {
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
    switch stream.handler {
    case .unaryInline:
      break
    case .unary(let run):
      stream.task = Task {
        do {
          handle.complete(.success(try await run(request, context)))
        } catch {
          handle.complete(.failure(error))
        }
      }
    case .serverStreaming(let run):
      let writer = RPCWriter<ByteBuffer> { try await handle.write($0) }
      stream.task = Task {
        do {
          try await run(request, writer, context)
          handle.finish(nil)
        } catch {
          handle.finish(error)
        }
      }
    case .bidiStreaming:
      break
    }
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
