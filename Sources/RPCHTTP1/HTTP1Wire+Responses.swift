internal import NIOCore
internal import NIOHTTP1
internal import RPCCore

/// How each protocol shapes its answers: the response head, a whole unary answer, an error
/// before anything was sent, and the end of a message stream.
extension HTTP1Wire {
  /// The content type of successful responses.
  var responseContentType: String {
    switch self {
    case .connectUnary: "application/proto"
    case .connectStreaming: "application/connect+proto"
    case .grpcWeb: "application/grpc-web+proto"
    }
  }

  /// The head of a 200 response; `compressed` names gzip in the protocol's encoding header.
  func okHead(compressed: Bool, contentLength: Int? = nil) -> HTTPResponseHead {
    var headers = HTTPHeaders([("content-type", responseContentType)])
    switch self {
    case .connectUnary:
      if compressed { headers.add(name: "content-encoding", value: "gzip") }
      headers.add(name: "accept-encoding", value: CompressionAlgorithm.advertised)
    case .connectStreaming:
      if compressed { headers.add(name: "connect-content-encoding", value: "gzip") }
      headers.add(name: "connect-accept-encoding", value: CompressionAlgorithm.advertised)
    case .grpcWeb:
      if compressed { headers.add(name: "grpc-encoding", value: "gzip") }
      headers.add(name: "grpc-accept-encoding", value: CompressionAlgorithm.advertised)
    }
    if let contentLength { headers.add(name: "content-length", value: String(contentLength)) }
    return HTTPResponseHead(version: .http1_1, status: .ok, headers: headers)
  }

  /// A whole answer to a call that failed before any of its response was sent: Connect
  /// unary's JSON error with the code's HTTP status; for the enveloped protocols a 200 whose
  /// body is only the end of the stream. `httpStatus` (404 for an unknown path) makes any
  /// Connect answer a bare HTTP error, which Connect clients map to a code themselves.
  func errorAnswer(_ error: RPCError, httpStatus: Int? = nil) -> (HTTPResponseHead, ByteBuffer) {
    switch self {
    case .connectUnary,
      .connectStreaming where httpStatus != nil:
      var body = ByteBuffer()
      body.writeString(ConnectStatus.json(error))
      let headers = HTTPHeaders([
        ("content-type", "application/json"), ("content-length", String(body.readableBytes)),
      ])
      let status = HTTPResponseStatus(
        statusCode: httpStatus ?? ConnectStatus.httpStatus(error.code))
      return (HTTPResponseHead(version: .http1_1, status: status, headers: headers), body)
    case .connectStreaming, .grpcWeb:
      let body = streamEnd(error)
      return (okHead(compressed: false, contentLength: body.readableBytes), body)
    }
  }

  /// What ends a message stream: Connect's end-of-stream envelope (flag 0x02, a JSON object
  /// with the error, if any) or gRPC-Web's trailers frame (flag 0x80, `name:value` lines).
  func streamEnd(_ error: RPCError?) -> ByteBuffer {
    var payload = ByteBuffer()
    var flag: UInt8
    switch self {
    case .connectUnary, .connectStreaming:
      flag = 0x02
      payload.writeString(error.map { "{\"error\":\(ConnectStatus.json($0))}" } ?? "{}")
    case .grpcWeb:
      flag = 0x80
      for (name, value) in GRPCWire.statusFields(error) {
        payload.writeString("\(name):\(value)\r\n")
      }
    }
    var frame = ByteBuffer()
    frame.writeInteger(flag)
    frame.writeInteger(UInt32(payload.readableBytes))
    frame.writeImmutableBuffer(payload)
    return frame
  }
}

/// Connect's view of a status: lower-case code names, the HTTP status of each code, and the
/// JSON error object `{"code": "...", "message": "..."}`.
enum ConnectStatus {
  /// The Connect name of a code (`canceled` is spelled the American way).
  static func name(_ code: RPCStatusCode) -> String {
    code == .cancelled ? "canceled" : code.name.lowercased()
  }

  /// The HTTP status of an error response, per the Connect protocol's table.
  static func httpStatus(_ code: RPCStatusCode) -> Int {
    switch code {
    case .cancelled: 499
    case .invalidArgument, .failedPrecondition, .outOfRange: 400
    case .deadlineExceeded: 504
    case .notFound: 404
    case .alreadyExists, .aborted: 409
    case .permissionDenied: 403
    case .resourceExhausted: 429
    case .unimplemented: 501
    case .unavailable: 503
    case .unauthenticated: 401
    default: 500
    }
  }

  /// The JSON error object; the message left out when empty.
  static func json(_ error: RPCError) -> String {
    var json = "{\"code\":\"\(name(error.code))\""
    if !error.message.isEmpty { json += ",\"message\":\(quoted(error.message))" }
    return json + "}"
  }

  /// A JSON string literal.
  static func quoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }
}
