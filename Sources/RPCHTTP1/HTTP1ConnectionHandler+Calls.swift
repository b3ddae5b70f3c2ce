internal import NIOCore
internal import NIOHTTP1
internal import RPCCore

/// The call rules of an HTTP/1.1 connection: which requests are served (POST, a Connect or
/// gRPC-Web content type, a known path, a method HTTP/1.1 can carry, a body within the
/// message limit), and running the method's handler once the request is complete.
extension HTTP1ConnectionHandler {
  func begin(_ head: HTTPRequestHead) {
    guard head.method == .POST else {
      return refuse(head, status: .methodNotAllowed, extra: [("allow", "POST")])
    }
    let wire: HTTP1Wire
    switch HTTP1Wire.classify(contentType: head.headers.first(name: "content-type")) {
    case .wire(let requested):
      wire = requested
    case .grpc:
      return refuse(
        head, status: .httpVersionNotSupported, close: true,
        message: "gRPC (application/grpc) needs HTTP/2; over HTTP/1.1 use gRPC-Web "
          + "(application/grpc-web+proto) or Connect (application/proto)")
    case .unsupported:
      return refuse(head, status: .unsupportedMediaType, extra: [("accept-post", HTTP1Wire.accepted)])
    }
    guard let route = routes[target: head.uri] else {
      let error = RPCError(code: .unimplemented, message: "unknown method \(head.uri)")
      return answer(wire.errorAnswer(error, httpStatus: 404), keepAlive: head.isKeepAlive)
    }
    if case .bidiStreaming = route.handler {
      return refuse(
        head, status: .httpVersionNotSupported, close: true,
        message: "\(route.descriptor.path) streams requests, which needs HTTP/2")
    }
    guard wire.serves(route.handler) else {
      return refuse(head, status: .unsupportedMediaType, extra: [("accept-post", HTTP1Wire.accepted)])
    }
    if let length = head.headers.first(name: "content-length").flatMap(Int.init),
      length > configuration.maxMessageSize + (wire.isEnveloped ? 5 : 0)
    {
      let error = RPCError(
        code: .resourceExhausted,
        message: "request body of \(length) bytes exceeds the limit of "
          + "\(configuration.maxMessageSize) bytes")
      answer(wire.errorAnswer(error), keepAlive: false)
      if length > Self.skipLimit {  // not worth reading to its end: close now
        skipping = nil
        closeAfterWrites()
      }
      return
    }
    do throws(RPCError) {
      try start(head, wire: wire, route: route)
      if continueAwaited {
        continueAwaited = false
        context?.writeAndFlush(
          wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .continue))), promise: nil)
      }
    } catch {
      answer(wire.errorAnswer(error), keepAlive: head.isKeepAlive)
    }
  }

  private func start(_ head: HTTPRequestHead, wire: HTTP1Wire, route: HTTP1Routes.Route) throws(RPCError) {
    var encoding: CompressionAlgorithm?
    if let name = head.headers.first(name: wire.encodingHeader) {
      guard let algorithm = CompressionAlgorithm(encodingName: name) else {
        throw RPCError(code: .unimplemented, message: "unsupported \(wire.encodingHeader) '\(name)'")
      }
      encoding = algorithm
    }
    let timeout = try wire.timeout(head.headers)
    let context = ServerContext(
      method: route.descriptor, requestMetadata: HTTP1Wire.metadata(head.headers),
      deadline: timeout.map { .now + $0 }, peer: peer, logger: logger)
    calls += 1
    let call = HTTP1Call(
      id: calls, wire: wire, route: route, context: context, keepAlive: head.isKeepAlive,
      requestEncoding: encoding,
      respondGzip: CompressionAlgorithm.gzip.isAccepted(
        by: head.headers[canonicalForm: wire.acceptEncodingHeader].joined(separator: ",")),
      maxMessageSize: configuration.maxMessageSize)
    self.call = call
    if let timeout, let loop = self.context?.eventLoop {
      let loopBound = NIOLoopBound(self, eventLoop: loop)
      let id = call.id
      call.deadlineTimer = loop.scheduleTask(in: .nanoseconds(timeout.nanoseconds)) {
        loopBound.value.fail(call: id, RPCError(code: .deadlineExceeded, message: "deadline exceeded"))
      }
    }
  }

  func receive(_ bytes: ByteBuffer) {
    guard let call else { return }
    do {
      try call.receive(bytes)
    } catch {
      fail(call: call.id, error, keepAlive: false)
    }
  }

  func endOfRequest() {
    guard let call, call.task == nil else { return }
    let request: ByteBuffer
    do {
      request = try call.requestMessage()
    } catch {
      return fail(call: call.id, error)
    }
    dispatch(call, request: request)
  }

  private func dispatch(_ call: HTTP1Call, request: ByteBuffer) {
    let context = call.context
    guard let loop = self.context?.eventLoop else { return }
    let handle = HTTP1CallHandle(
      call: call.id, eventLoop: loop, connection: NIOLoopBound(self, eventLoop: loop),
      framer: call.framer)
    switch call.route.handler {
    case .unaryInline(let run):
      var out = ByteBuffer()
      do {
        try run(request, context, GRPCMessageFramer(maxMessageSize: configuration.maxMessageSize), &out)
        out.moveReaderIndex(forwardBy: 5)  // the handler frames for gRPC; keep the message
        complete(call: call.id, result: .success(out))
      } catch {
        complete(call: call.id, result: .failure(error))
      }
    case .unary(let run):
      call.task = Task {
        do {
          handle.complete(.success(try await run(request, context)))
        } catch {
          handle.complete(.failure(error))
        }
      }
    case .serverStreaming(let run):
      let writer = RPCWriter<ByteBuffer> { try await handle.write($0) }
      call.task = Task {
        do {
          try await run(request, writer, context)
          handle.finish(nil)
        } catch {
          handle.finish(error)
        }
      }
    case .bidiStreaming:
      fail(call: call.id, RPCError(code: .unimplemented, message: "client streams need HTTP/2"))
    }
  }
}

extension Duration {
  fileprivate var nanoseconds: Int64 {
    let (seconds, attoseconds) = components
    return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
  }
}
