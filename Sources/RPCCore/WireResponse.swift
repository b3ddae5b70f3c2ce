package import NIOCore

/// The status line and fields that start a response.
package struct WireResponseHead: Sendable {
  /// Names a success head that is always the same for its protocol and compression, so a
  /// transport may encode it once and reuse the encoding (`nil` for heads that vary).
  package struct Key: Hashable, Sendable {
    package var wireProtocol: WireProtocol
    package var gzip: Bool
  }

  /// The HTTP status, e.g. 200.
  package var status: Int
  /// The header fields in order (lower-case names, no pseudo-headers).
  package var fields: [(String, String)]
  /// Set when the head is one of the fixed success heads.
  package var key: Key?

  /// Creates a response head.
  package init(status: Int, fields: [(String, String)], key: Key? = nil) {
    self.status = status
    self.fields = fields
    self.key = key
  }

  /// This head with `extra` fields appended: no longer a fixed success head unless `extra` is
  /// empty.
  package func adding(_ extra: [(String, String)]) -> WireResponseHead {
    guard !extra.isEmpty else { return self }
    return WireResponseHead(status: status, fields: fields + extra)
  }

  /// The value of the first field called `name` (lower-case), if any.
  package func first(_ name: String) -> String? {
    fields.first { $0.0 == name }?.1
  }
}

/// A piece of response for a transport to send, in this order: `head` when set (the
/// response has not started yet), then `body` when set, then `trailers` when set (HTTP/2
/// trailers: only plain gRPC has them), then the end of the response.
package struct WireResponse: Sendable {
  /// The head, `nil` when the response already started.
  package var head: WireResponseHead?
  /// Body bytes to send.
  package var body: ByteBuffer?
  /// HTTP trailer fields (gRPC over HTTP/2 only).
  package var trailers: [(String, String)]?

  /// Creates a response piece.
  package init(
    head: WireResponseHead? = nil, body: ByteBuffer? = nil, trailers: [(String, String)]? = nil
  ) {
    self.head = head
    self.body = body
    self.trailers = trailers
  }

  /// The larger of the head's and the trailers' header-list sizes as HTTP/2 counts them
  /// (name + value + 32 per field, `:status` included), to hold against a peer's
  /// SETTINGS_MAX_HEADER_LIST_SIZE.
  package var largestHeaderList: Int {
    func size(_ fields: [(String, String)]) -> Int {
      fields.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count + 32 }
    }
    let head = self.head.map { size($0.fields) + ":status".utf8.count + 3 + 32 } ?? 0
    return max(head, trailers.map(size) ?? 0)
  }
}

/// A request no RPC protocol of ours can take (not a POST, a content type we do not serve,
/// a Connect unary request for a streaming method): answer `response` and nothing else.
package struct WireRejection: Error, Sendable {
  /// The whole answer: head and, possibly, a short body.
  package var response: WireResponse

  /// A bare HTTP status with extra fields.
  package init(status: Int, fields: [(String, String)] = []) {
    self.response = WireResponse(head: WireResponseHead(status: status, fields: fields))
  }

  /// An HTTP status with extra fields and a one-line plain-text explanation for people
  /// (clients infer the RPC code from the status).
  package init(status: Int, fields: [(String, String)] = [], explanation: String) {
    self.response = WireResponse(
      head: WireResponseHead(
        status: status, fields: fields + [("content-type", "text/plain; charset=utf-8")]),
      body: ByteBuffer(string: explanation + "\n"))
  }
}
