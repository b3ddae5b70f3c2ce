/// What a transport read from a request's header block, in a form every transport can fill
/// (HTTP/2 from its header fields, HTTP/1.1 from the request line and headers).
package struct WireRequestHead: Sendable {
  /// The HTTP method, e.g. `POST`.
  package var method: String
  /// The request target's path, e.g. `/cloudidl.clusterpool.ClusterPoolService/Get` (for
  /// HTTP/1.1 without a query).
  package var path: String
  /// The `content-type` field, `nil` when absent.
  package var contentType: String?
  /// Every other field in order, names lower-case, pseudo-headers left out. Protocol fields
  /// (encodings, timeouts, `connect-protocol-version`) and connection fields (`te`, `host`,
  /// `connection`, `content-length`, `transfer-encoding`, `keep-alive`, `upgrade`) may be
  /// left in: `WireCall` takes what it needs and keeps the rest as the call's metadata.
  package var fields: Metadata

  /// Creates a request head.
  package init(method: String, path: String, contentType: String?, fields: Metadata) {
    self.method = method
    self.path = path
    self.contentType = contentType
    self.fields = fields
  }
}
