/// The RPC protocol a request speaks, told apart by its `content-type`.
///
/// The seam where gRPC-Web and Connect join later (connect-go's shape): each variant gets its
/// own `WireProtocol+Variant.swift` with its header and status rules, while all share the
/// envelope framing of `GRPCMessageDeframer` / `GRPCMessageFramer`. Only gRPC exists now.
package enum WireProtocol: Sendable, Hashable {
  /// gRPC over HTTP/2: `application/grpc`, `application/grpc+proto`.
  case grpc

  /// The protocol a request's `content-type` names, `nil` when it is none of ours.
  package init?(contentType: String?) {
    guard let contentType else { return nil }
    if GRPCWire.accepts(contentType: contentType) {
      self = .grpc
    } else {
      return nil
    }
  }
}
