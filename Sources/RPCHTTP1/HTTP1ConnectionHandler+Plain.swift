internal import NIOCore
internal import NIOHTTP1
internal import RPCCore

/// A plain HTTP request to one of the registry's `HTTPRoute`s on an HTTP/1.1 connection.
final class HTTP1PlainRequest {
  let route: HTTPRoute
  var request: HTTPRouteRequest
  let keepAlive: Bool
  var task: Task<Void, Never>?

  init(route: HTTPRoute, request: HTTPRouteRequest, keepAlive: Bool) {
    self.route = route
    self.request = request
    self.keepAlive = keepAlive
  }
}

/// Plain HTTP routes (token endpoint, JWKS, metadata) on an HTTP/1.1 connection: the head is
/// checked by the route (method, declared length), the body collected up to the route's
/// limit, and the handler's answer written as a whole.
extension HTTP1ConnectionHandler {
  func beginPlain(_ head: HTTPRequestHead, _ route: HTTPRoute) {
    let length = head.headers.first(name: "content-length").flatMap(Int.init)
    if let refusal = route.refusal(method: head.method.rawValue, contentLength: length) {
      return answer(refusal, keepAlive: head.isKeepAlive && length == nil)
    }
    var fields = Metadata()
    for (name, value) in head.headers where !["content-type", "host"].contains(name.lowercased()) {
      fields.addLowercased(name.lowercased(), value)
    }
    let (path, query) = HTTPRoutes.split(head.uri)
    let request = HTTPRouteRequest(
      method: head.method.rawValue, path: path, query: query,
      contentType: head.headers.first(name: "content-type"), authority: head.headers.first(name: "host"),
      fields: fields, body: ByteBuffer(), peer: peer)
    plain = HTTP1PlainRequest(route: route, request: request, keepAlive: head.isKeepAlive)
    if continueAwaited {
      continueAwaited = false
      context?.writeAndFlush(
        wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .continue))), promise: nil)
    }
  }

  func receivePlain(_ bytes: ByteBuffer) {
    guard let plain, plain.task == nil else { return }
    var bytes = bytes
    guard plain.request.body.readableBytes + bytes.readableBytes <= plain.route.maxBodySize else {
      return answer(plain.route.tooLarge, keepAlive: false)
    }
    plain.request.body.writeBuffer(&bytes)
  }

  func endOfPlainRequest() {
    guard let plain, plain.task == nil, let loop = context?.eventLoop else { return }
    let loopBound = NIOLoopBound(self, eventLoop: loop)
    let (route, request, keepAlive) = (plain.route, plain.request, plain.keepAlive)
    let identity = ObjectIdentifier(plain)
    plain.task = Task {
      let response = await route.respond(to: request)
      loop.execute {
        let handler = loopBound.value
        guard handler.plain.map(ObjectIdentifier.init) == identity else { return }
        handler.answer(response, keepAlive: keepAlive)
      }
    }
  }
}
