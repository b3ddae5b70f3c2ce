/// The gRPC-over-HTTP/2 rules: content types, response headers, status ↔ trailers.
package enum GRPCWire {
  /// The response `content-type`.
  package static let contentType = "application/grpc"

  /// Whether a request `content-type` is gRPC (`application/grpc`, `application/grpc+proto`,
  /// optionally with parameters).
  package static func accepts(contentType: String) -> Bool {
    var value = Substring(contentType)
    if let semicolon = value.firstIndex(of: ";") { value = value[..<semicolon] }
    return value == "application/grpc" || value == "application/grpc+proto"
  }

  /// The trailer fields carrying a status: `grpc-status`, `grpc-message` (bounded, percent-encoded,
  /// left out when empty) and the error's own metadata.
  package static func statusFields(_ error: RPCError?) -> [(String, String)] {
    guard let error else { return [("grpc-status", "0")] }
    var fields = [("grpc-status", String(error.code.rawValue))]
    if !error.message.isEmpty {
      fields.append(("grpc-message", PercentEncoding.encode(error.wireMessage)))
    }
    for field in error.metadata where !field.name.hasPrefix(":") {
      fields.append((field.name, field.value))
    }
    return fields
  }

  /// The call's outcome from its trailers (or trailers-only headers): `nil` when `OK`.
  package static func status(fromTrailers trailers: Metadata) -> RPCError? {
    guard let raw = trailers.first("grpc-status") else {
      return RPCError(code: .internalError, message: "response ended without grpc-status")
    }
    guard let number = Int(raw) else {
      return RPCError(code: .internalError, message: "invalid grpc-status '\(raw)'")
    }
    if number == 0 { return nil }
    let message = trailers.first("grpc-message").map(PercentEncoding.decode) ?? ""
    var metadata = trailers
    for name in ["grpc-status", "grpc-message", "content-type", "grpc-encoding",
      "grpc-accept-encoding"] {
      metadata.remove(name)
    }
    return RPCError(code: RPCStatusCode(rawValue: number), message: message, metadata: metadata)
  }

  /// The status a client infers from a non-200 HTTP response (gRPC's HTTP mapping).
  package static func code(forHTTPStatus status: Int) -> RPCStatusCode {
    RPCStatusCode(inferringFromHTTPStatus: status)
  }
}
