internal import NIOHTTP1
internal import RPCCore

/// The RPC protocols HTTP/1.1 can carry, told apart by `content-type`, and their request rules
/// (compression and timeout headers). gRPC itself needs HTTP/2 and is not one of them.
enum HTTP1Wire: Sendable, Equatable {
  /// Connect unary, `application/proto`: the body is the bare message.
  case connectUnary
  /// Connect streaming, `application/connect+proto`: envelopes, an end-of-stream envelope.
  case connectStreaming
  /// gRPC-Web, `application/grpc-web(+proto)`: envelopes, a trailers frame at the end.
  case grpcWeb

  /// What a request's `content-type` asks for.
  enum Request: Equatable {
    case wire(HTTP1Wire)
    /// `application/grpc*`: only over HTTP/2.
    case grpc
    case unsupported
  }

  /// The content types a 415 answer lists in `Accept-Post`.
  static let accepted =
    "application/proto, application/connect+proto, application/grpc-web+proto, application/grpc-web"

  static func classify(contentType: String?) -> Request {
    guard let contentType else { return .unsupported }
    var value = Substring(contentType)
    if let semicolon = value.firstIndex(of: ";") { value = value[..<semicolon] }
    switch value.trimmingCharacters(in: " ").lowercased() {
    case "application/proto": return .wire(.connectUnary)
    case "application/connect+proto": return .wire(.connectStreaming)
    case "application/grpc-web", "application/grpc-web+proto": return .wire(.grpcWeb)
    case "application/grpc", "application/grpc+proto": return .grpc
    default: return .unsupported
    }
  }

  /// Whether request and response messages travel in 5-byte envelopes.
  var isEnveloped: Bool { self != .connectUnary }

  /// Whether this protocol serves the method: Connect keeps unary and streaming content types
  /// apart, gRPC-Web serves both. Methods with client streams need HTTP/2 and are never served.
  func serves(_ handler: MethodHandler) -> Bool {
    switch (self, handler) {
    case (_, .bidiStreaming): false
    case (.connectUnary, .serverStreaming), (.connectStreaming, .unary),
      (.connectStreaming, .unaryInline):
      false
    default: true
    }
  }

  /// The request header naming the request's compression.
  var encodingHeader: String {
    switch self {
    case .connectUnary: "content-encoding"
    case .connectStreaming: "connect-content-encoding"
    case .grpcWeb: "grpc-encoding"
    }
  }

  /// The request header listing the compressions the client accepts for the response.
  var acceptEncodingHeader: String {
    switch self {
    case .connectUnary: "accept-encoding"
    case .connectStreaming: "connect-accept-encoding"
    case .grpcWeb: "grpc-accept-encoding"
    }
  }

  /// The call's timeout: `nil` for none; an error when the header is malformed.
  func timeout(_ headers: HTTPHeaders) throws(RPCError) -> Duration? {
    switch self {
    case .grpcWeb:
      return headers.first(name: "grpc-timeout").flatMap { GRPCTimeout.parse($0) }
    case .connectUnary, .connectStreaming:
      guard let value = headers.first(name: "connect-timeout-ms") else { return nil }
      guard (1...10).contains(value.utf8.count), value.utf8.allSatisfy({ (48...57).contains($0) }),
        let milliseconds = Int64(value)
      else {
        throw RPCError(code: .invalidArgument, message: "invalid Connect-Timeout-Ms '\(value)'")
      }
      return .milliseconds(milliseconds)
    }
  }

  /// Request headers that are transport, not call metadata.
  static let transportHeaders: Set<String> = [
    "host", "content-type", "content-length", "transfer-encoding", "connection", "keep-alive",
    "te", "upgrade", "content-encoding", "accept-encoding", "connect-content-encoding",
    "connect-accept-encoding", "connect-timeout-ms", "connect-protocol-version", "grpc-encoding",
    "grpc-accept-encoding", "grpc-timeout",
  ]

  /// The call metadata of a request: its headers with lower-case names, transport ones out.
  static func metadata(_ headers: HTTPHeaders) -> Metadata {
    var metadata = Metadata()
    for (name, value) in headers {
      let lower = name.lowercased()
      if !transportHeaders.contains(lower) { metadata.addLowercased(lower, value) }
    }
    return metadata
  }
}

extension Substring {
  fileprivate func trimmingCharacters(in character: Character) -> Substring {
    var result = self
    while result.first == character { result.removeFirst() }
    while result.last == character { result.removeLast() }
    return result
  }
}
