internal import NIOCore
internal import NIOHTTP1
internal import RPCCore

/// The call rules of an HTTP/1.1 connection: `WireCall` reads the request head (405, 415,
/// protocol fields) and shapes every answer; this adds what HTTP/1.1 cannot carry (gRPC and
/// client streams: 505), the body limit from `Content-Length` before any of it is read, and
/// running the method's handler once the request is complete.
extension HTTP1ConnectionHandler {
  func begin(_ head: HTTPRequestHead) {
    let plainRoute = routes.plain[target: head.uri]
    let wireHead = Self.wireHead(head)
    let route = plainRoute == nil ? routes[target: head.uri] : nil
    var observed: ObservedCall?
    if plainRoute == nil {
      observed = ObservedCall(
        descriptor: route?.descriptor, path: wireHead.path, contentType: wireHead.contentType,
        fields: wireHead.fields, httpVersion: head.version.minor == 0 ? "1.0" : "1.1", peer: peer,
        requestIDs: &requestIDs)
    }
    if let coding = Self.unsupportedTransferCoding(head.headers) {
      return refuse(
        WireRejection(
          status: 501,
          explanation: "transfer coding \(coding) is not implemented: send the body with Content-Length, "
            + "or with Transfer-Encoding: chunked alone"
        ), observed, keepAlive: false)
    }
    if let plainRoute { return beginPlain(head, plainRoute) }
    guard var observed else { return }
    let wire: WireCall
    do throws(WireRejection) {
      wire = try WireCall(head: wireHead, maxMessageSize: configuration.maxMessageSize)
    } catch {
      // NIOHTTP1 frames any answer to CONNECT without a length: only closing delimits it.
      return refuse(error, observed, keepAlive: head.isKeepAlive && head.method != .CONNECT)
    }
    guard wire.wireProtocol != .grpc else {
      return refuseHTTP2Only(
        head, observed,
        "gRPC (application/grpc) needs HTTP/2; over HTTP/1.1 use gRPC-Web "
          + "(application/grpc-web+proto) or Connect (application/proto)")
    }
    guard let route else {
      return refuse(wire, RPCError.unknownMethod(Self.path(head.uri)), observed, keepAlive: head.isKeepAlive)
    }
    if case .bidiStreaming = route.handler {
      return refuseHTTP2Only(head, observed, "\(route.descriptor.path) streams requests, which needs HTTP/2")
    }
    if let rejection = wire.rejection(for: route.handler) {
      return refuse(rejection, observed, keepAlive: head.isKeepAlive)
    }
    if let problem = wire.headerError {
      return refuse(wire, problem, observed, keepAlive: head.isKeepAlive)
    }
    let limit = configuration.maxMessageSize + (wire.wireProtocol.isEnveloped ? 5 : 0)
    if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > limit {
      let error = RPCError(
        code: .resourceExhausted,
        message: "request body of \(length) bytes exceeds the limit of "
          + "\(configuration.maxMessageSize) bytes")
      return refuse(wire, error, observed, keepAlive: false)
    }
    start(head, wire: wire, route: route, observed: &observed)
  }

  /// Refuses a call before it started with the protocol's error answer.
  private func refuse(_ wire: WireCall, _ error: RPCError, _ observed: ObservedCall, keepAlive: Bool) {
    observers.finished(observed, status: error)  // before the answer, flushed at once (+Steps)
    answer(wire.end(error, responseStarted: false), keepAlive: keepAlive, requestID: observed.requestID)
  }

  /// Refuses a request before it started with a bare HTTP answer.
  private func refuse(_ rejection: WireRejection, _ observed: ObservedCall?, keepAlive: Bool) {
    if let observed { observers.finished(observed, httpStatus: rejection.response.head?.status ?? 500) }
    answer(rejection.response, keepAlive: keepAlive, requestID: observed?.requestID)
  }

  /// The request as `WireCall` reads it: every header with a lower-case name.
  static func wireHead(_ head: HTTPRequestHead) -> WireRequestHead {
    var fields = Metadata()
    for (name, value) in head.headers where name.lowercased() != "content-type" {
      fields.addLowercased(name.lowercased(), value)
    }
    return WireRequestHead(
      method: head.method.rawValue, path: path(head.uri),
      contentType: head.headers.first(name: "content-type"), fields: fields)
  }

  /// A request target without its query string.
  static func path(_ target: String) -> String {
    target.firstIndex(of: "?").map { String(target[..<$0]) } ?? target
  }

  /// 505 HTTP Version Not Supported, and the connection closed: a client that expected HTTP/2
  /// semantics may otherwise hang on it (connect-go does the same).
  private func refuseHTTP2Only(_ head: HTTPRequestHead, _ observed: ObservedCall, _ message: String) {
    var body = ByteBuffer()
    body.writeString(message + "\n")
    let response = WireResponse(
      head: WireResponseHead(status: 505, fields: [("content-type", "text/plain; charset=utf-8")]),
      body: body)
    observers.finished(observed, httpStatus: 505, message: message)
    answer(response, keepAlive: false, requestID: observed.requestID)
  }

  private func start(_ head: HTTPRequestHead, wire: WireCall, route: HTTP1Routes.Route, observed: inout ObservedCall) {
    var context = ServerContext(
      method: route.descriptor, requestMetadata: wire.metadata,
      deadline: wire.timeout.map { .now + $0 }, peer: peer, logger: logger)
    context.authority = head.headers.first(name: "host")
    context.requestID = observed.requestID
    if !observers.isEmpty, routes.authenticator != nil {
      observed.identified = IdentifiedCaller()
      context.identifiedCaller = observed.identified
    }
    do {
      try context.authenticate(by: routes.authenticator)
    } catch {
      return refuse(wire, error, observed, keepAlive: head.isKeepAlive)
    }
    observed.caller = context.caller
    context.traceStart(wire: "\(wire.wireProtocol) over HTTP/1.1")
    calls += 1
    // HTTP/1.0 has no chunked bodies: a stream there ends by closing the connection.
    let streams = wire.wireProtocol.isEnveloped && head.version.minor == 0
    let call = HTTP1Call(
      id: calls, wire: wire, route: route, context: context, observed: observed,
      keepAlive: head.isKeepAlive && !streams)
    self.call = call
    perform(call.machine.start(timeout: wire.timeout), call)
    if continueAwaited {
      continueAwaited = false
      self.context?.writeAndFlush(
        wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .continue))), promise: nil)
    }
  }

  func receive(_ bytes: ByteBuffer) {
    guard let call, !call.machine.isClosed else { return }
    call.observed.requestBytes += bytes.readableBytes
    do {
      try call.decoder.append(bytes)
      while let message = try call.decoder.next() { take(message, call, keepAlive: false) }
    } catch {
      perform(call.machine.fail(error), call, keepAlive: false)
    }
  }

  func endOfRequest() {
    guard let call, !call.machine.isClosed else { return }
    do {
      if let message = try call.decoder.finish() { take(message, call) }
    } catch {
      return perform(call.machine.fail(error), call)
    }
    perform(call.machine.receivedEnd(hasRoom: true), call)
  }

  /// A whole request message: the machine says whether it is kept.
  private func take(_ message: ByteBuffer, _ call: HTTP1Call, keepAlive: Bool = true) {
    let actions = call.machine.receivedMessage()
    if actions.steps.has(.keepRequest) { call.request = message }
    perform(actions, call, keepAlive: keepAlive)
  }

  /// Runs the handler of a complete request (the machine's `dispatch`).
  func dispatch(_ call: HTTP1Call) {
    guard let request = call.request else { return }
    call.request = nil
    dispatch(call, request: request)
  }

  private func dispatch(_ call: HTTP1Call, request: ByteBuffer) {
    let context = call.context
    guard let loop = self.context?.eventLoop else { return }
    let handle = HTTP1CallHandle(
      call: call.id, eventLoop: loop, connection: NIOLoopBound(self, eventLoop: loop),
      framer: call.wire.framer)
    let handler: MethodHandler
    do {
      handler = try call.route.handler.admitted(context, by: call.route.policy)
    } catch {
      return fail(call: call.id, error)
    }
    switch handler {
    case .unaryInline(let run):
      var framed = ByteBuffer()
      do {
        try run(request, context, call.wire.framer, &framed)
        respond(call, framed: framed)
      } catch {
        fail(call: call.id, MethodHandler.status(for: error, logger: logger))
      }
    case .unaryInlineFirst(let fast, let full):
      // Its fast part answers here, in the read the call came in, with no hop through the
      // sink to a later turn of the event loop; else its full part runs in a task.
      var out = ByteBuffer()
      do {
        if try fast(request, context, GRPCMessageFramer(isEnveloped: false), &out) {
          return complete(call: call.id, result: .success(out))
        }
      } catch {
        return complete(call: call.id, result: .failure(error))
      }
      call.task = MethodHandler.unary(full).start(request: request, context: context, sink: handle)
    case .unary, .serverStreaming:
      call.task = handler.start(request: request, context: context, sink: handle)
    case .bidiStreaming:
      fail(call: call.id, RPCError(code: .unimplemented, message: "client streams need HTTP/2"))
    }
  }
}
