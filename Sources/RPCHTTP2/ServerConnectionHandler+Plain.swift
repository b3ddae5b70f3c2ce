internal import NIOCore
internal import RPCCore

/// A plain HTTP request to one of the registry's `HTTPRoute`s on an HTTP/2 stream.
final class PlainStream {
  let route: HTTPRoute
  var request: HTTPRouteRequest
  var task: Task<Void, Never>?

  init(route: HTTPRoute, request: HTTPRouteRequest) {
    self.route = route
    self.request = request
  }
}

/// Plain HTTP routes (token endpoint, JWKS, metadata) on an HTTP/2 connection, as on
/// HTTP/1.1 (`HTTP1ConnectionHandler+Plain`): the route checks the head, the body is
/// collected up to its limit, the handler's answer goes out whole.
extension ServerConnectionHandler {
  /// Whether stream `id` is a plain HTTP request. Asked for every stream's events: an empty
  /// dictionary still hashed the id (SipHash, ~80 instructions) on each lookup.
  func isPlain(_ id: Int32) -> Bool { !plainStreams.isEmpty && plainStreams[id] != nil }

  func beginPlain(_ id: Int32, _ head: RequestHead, _ route: HTTPRoute, endStream: Bool) {
    let length = head.fields.first("content-length").flatMap(Int.init)
    if let refusal = route.refusal(method: head.method, contentLength: length) {
      return answer(id, refusal)
    }
    let (path, query) = HTTPRoutes.split(head.path ?? "")
    let request = HTTPRouteRequest(
      method: head.method, path: path, query: query, contentType: head.contentType,
      authority: head.authority ?? head.fields.first("host"), fields: head.fields,
      body: allocator.buffer(capacity: 0), peer: peer)
    plainStreams[id] = PlainStream(route: route, request: request)
    if endStream { endOfPlainRequest(stream: id) }
  }

  func receivePlain(_ data: ByteBuffer, stream id: Int32) {
    session.consume(stream: id, bytes: data.readableBytes)
    guard let plain = plainStreams[id], plain.task == nil else { return }
    guard plain.request.body.readableBytes + data.readableBytes <= plain.route.maxBodySize else {
      plainStreams[id] = nil
      return answer(id, plain.route.tooLarge)
    }
    var data = data
    plain.request.body.writeBuffer(&data)
  }

  func endOfPlainRequest(stream id: Int32) {
    guard let plain = plainStreams[id], plain.task == nil, let loop = context?.eventLoop else { return }
    let loopBound = NIOLoopBound(self, eventLoop: loop)
    let (route, request) = (plain.route, plain.request)
    let identity = ObjectIdentifier(plain)
    plain.task = Task {
      let response = await route.respond(to: request)
      loop.execute {
        let handler = loopBound.value
        guard handler.plainStreams[id].map(ObjectIdentifier.init) == identity else { return }
        handler.plainStreams[id] = nil
        handler.answer(id, response)
      }
    }
  }
}
