package import NIOCore

/// A plain HTTP request to an `HTTPRoute` (not an RPC): what either transport read, the body
/// whole.
package struct HTTPRouteRequest: Sendable {
  /// The HTTP method, e.g. `POST`.
  package var method: String
  /// The path, without the query.
  package var path: String
  /// The query string after `?`, if any.
  package var query: String?
  /// `content-type`, if sent.
  package var contentType: String?
  /// The request's authority: HTTP/2 `:authority`, else the `Host` field.
  package var authority: String?
  /// Every other field, names lower-case.
  package var fields: Metadata
  /// The whole body.
  package var body: ByteBuffer
  /// The remote address, e.g. `127.0.0.1:53412`.
  package var peer: String

  package init(
    method: String, path: String, query: String?, contentType: String?, authority: String?,
    fields: Metadata, body: ByteBuffer, peer: String
  ) {
    self.method = method
    self.path = path
    self.query = query
    self.contentType = contentType
    self.authority = authority
    self.fields = fields
    self.body = body
    self.peer = peer
  }
}

/// A plain HTTP resource served on the RPC port beside the RPC methods (the OAuth2 token
/// endpoint, JWKS, RFC 8414 metadata), the same over HTTP/1.1 and HTTP/2: both transports
/// look requests up in the registry's `HTTPRoutes` before treating them as RPCs, collect the
/// body (at most `maxBodySize`) and send the handler's answer as it is.
package struct HTTPRoute: Sendable {
  /// The exact path served, e.g. `/oauth2/token`.
  package var path: String
  /// The methods served (`HEAD` is served wherever `GET` is); others get 405 with `Allow`.
  package var methods: [String]
  /// The largest body accepted; a larger one gets 413.
  package var maxBodySize: Int
  /// Makes the answer (a head and a body; trailers are ignored).
  package var handler: @Sendable (HTTPRouteRequest) async -> WireResponse

  package init(
    path: String, methods: [String], maxBodySize: Int = 64 << 10,
    handler: @escaping @Sendable (HTTPRouteRequest) async -> WireResponse
  ) {
    self.path = path
    self.methods = methods
    self.maxBodySize = maxBodySize
    self.handler = handler
  }

  /// The refusal of a request head this route does not take (method, declared body size),
  /// `nil` when the request may go on.
  package func refusal(method: String, contentLength: Int?) -> WireResponse? {
    let allowed = methods.contains("GET") && !methods.contains("HEAD") ? methods + ["HEAD"] : methods
    guard allowed.contains(method) else {
      return WireRejection(
        status: 405, fields: [("allow", allowed.joined(separator: ", "))],
        explanation: "\(path) takes \(allowed.joined(separator: ", ")), not \(method)"
      ).response
    }
    if let contentLength, contentLength > maxBodySize {
      return WireRejection(status: 413, explanation: "request body of \(contentLength) bytes exceeds \(maxBodySize) bytes").response
    }
    return nil
  }

  /// The answer to a request whose body grew past `maxBodySize` while it arrived.
  package var tooLarge: WireResponse {
    WireRejection(status: 413, explanation: "request body exceeds \(maxBodySize) bytes").response
  }

  /// Runs the handler; a `HEAD` request gets the `GET` answer's head with no body.
  package func respond(to request: HTTPRouteRequest) async -> WireResponse {
    var get = request
    if request.method == "HEAD" { get.method = "GET" }
    var response = await handler(get)
    response.trailers = nil
    if request.method == "HEAD", var head = response.head {
      head.fields.removeAll { $0.0 == "content-length" }
      head.fields.append(("content-length", String(response.body?.readableBytes ?? 0)))
      response = WireResponse(head: head)
    }
    return response
  }

  /// A JSON answer (`application/json`), e.g. `{"keys":[...]}`, with extra header fields.
  package static func json(_ value: JSONValue, status: Int = 200, fields: [(String, String)] = []) -> WireResponse {
    WireResponse(
      head: WireResponseHead(status: status, fields: [("content-type", "application/json")] + fields),
      body: ByteBuffer(string: value.encoded))
  }
}

/// The plain HTTP routes by path, as a transport looks them up; made from the registry when
/// the server starts, read without locking.
package struct HTTPRoutes: Sendable {
  private let table: [String: HTTPRoute]

  package init(_ routes: [HTTPRoute]) {
    var table: [String: HTTPRoute] = [:]
    for route in routes { table[route.path] = route }
    self.table = table
  }

  /// Whether there are none (a transport then skips the lookup).
  package var isEmpty: Bool { table.isEmpty }

  /// The route of a request target (`/path`, a query string ignored).
  package subscript(target target: String) -> HTTPRoute? {
    guard !table.isEmpty else { return nil }
    if let query = target.firstIndex(of: "?") { return table[String(target[..<query])] }
    return table[target]
  }

  /// Splits a target into its path and query.
  package static func split(_ target: String) -> (path: String, query: String?) {
    guard let mark = target.firstIndex(of: "?") else { return (target, nil) }
    return (String(target[..<mark]), String(target[target.index(after: mark)...]))
  }
}
