/// The RPC protocol a request speaks, told apart by its `content-type` (connect-go's shape):
/// each variant has its own `WireProtocol+Variant.swift` with its header and status rules,
/// all share the envelope framing of `GRPCMessageDeframer` / `GRPCMessageFramer`, and
/// `WireCall` drives them for a transport.
package enum WireProtocol: Sendable, Hashable {
  /// gRPC over HTTP/2: `application/grpc`, `application/grpc+proto`.
  case grpc
  /// gRPC-Web: `application/grpc-web`, `application/grpc-web+proto`; the status travels as a
  /// last envelope (flag 0x80) in the body.
  case grpcWeb
  /// Connect unary: `application/proto`; the body is the bare message.
  case connectUnary
  /// Connect streaming: `application/connect+proto`; the body ends with an end-of-stream
  /// envelope (flag 0x02).
  case connectStreaming

  /// What a request `content-type` asks for.
  package enum Match: Sendable, Hashable {
    /// One of ours.
    case served(WireProtocol)
    /// An RPC protocol we know with a codec we do not serve (JSON, gRPC-Web text): answer
    /// 415 Unsupported Media Type.
    case unsupportedCodec
    /// Not an RPC content type at all.
    case none
  }

  /// The protocol a request's `content-type` names, `nil` when it is none of ours.
  package init?(contentType: String?) {
    guard case .served(let wire) = Self.match(contentType: contentType) else { return nil }
    self = wire
  }

  /// Classifies a request `content-type` (parameters after `;` and case ignored).
  package static func match(contentType: String?) -> Match {
    guard let contentType else { return .none }
    switch contentType {  // the common spellings, without making a lower-cased copy
    case "application/grpc": return .served(.grpc)
    case "application/proto": return .served(.connectUnary)
    case "application/connect+proto": return .served(.connectStreaming)
    case "application/grpc-web+proto": return .served(.grpcWeb)
    default: break
    }
    var value = Substring(contentType)
    if let semicolon = value.firstIndex(of: ";") { value = value[..<semicolon] }
    while value.last == " " { value.removeLast() }
    let type = value.lowercased()
    switch type {
    case "application/grpc", "application/grpc+proto": return .served(.grpc)
    case "application/grpc-web", "application/grpc-web+proto": return .served(.grpcWeb)
    case "application/proto": return .served(.connectUnary)
    case "application/connect+proto": return .served(.connectStreaming)
    default:
      for prefix in ["application/grpc+", "application/grpc-web", "application/connect+"]
      where type.hasPrefix(prefix) {
        return .unsupportedCodec
      }
      return type == "application/json" ? .unsupportedCodec : .none
    }
  }

  /// The content types this server accepts, for `Accept-Post` on a 415 answer.
  package static let acceptedContentTypes =
    "application/grpc, application/grpc+proto, application/grpc-web, "
    + "application/grpc-web+proto, application/proto, application/connect+proto"

  /// Whether messages travel in 5-byte envelopes (all but Connect unary).
  package var isEnveloped: Bool { self != .connectUnary }
}
