internal import RPCCore

/// The parts of a request's headers the server acts on, collected field by field.
struct RequestHead {
  var isPOST = false
  var route: ServerRoute?
  var path: String?
  /// The content type matched a gRPC one without making a string.
  var isGRPC = false
  var contentType: String?
  var encoding: String?
  var acceptEncoding: String?
  var timeout: Duration?
  var metadata = Metadata()
  /// The header list size as HTTP/2 counts it (name + value + 32 per field).
  var size = 0

  /// Takes one field; `lastRoute` short-cuts the `:path` lookup for repeated methods.
  mutating func add(
    _ name: HeaderBytes, _ value: HeaderBytes, routes: [String: ServerRoute],
    lastRoute: inout ServerRoute?, limit: Int
  ) {
    size += name.count + value.count + 32
    guard size <= limit else { return }  // refused at the end of the block; keep nothing
    switch name.count {
    case 5 where name.matches(":path"):
      if let last = lastRoute, value.matches(last.pathUTF8) {
        route = last
      } else {
        let path = value.string
        self.path = path
        route = routes[path]
        if route != nil { lastRoute = route }
      }
      return
    case 7 where name.matches(":method"):
      isPOST = value.matches("POST")
      return
    case 7 where name.matches(":scheme"), 10 where name.matches(":authority"),
      2 where name.matches("te"):
      return
    case 12 where name.matches("content-type"):
      if value.matches("application/grpc") || value.matches("application/grpc+proto") {
        isGRPC = true
      } else {
        contentType = value.string
      }
      return
    case 12 where name.matches("grpc-timeout"):
      timeout = GRPCTimeout.parse(value.string)
      return
    case 13 where name.matches("grpc-encoding"):
      encoding = value.string
      return
    case 20 where name.matches("grpc-accept-encoding"):
      acceptEncoding = value.string
      return
    default:
      metadata.addLowercased(name.string, value.string)
    }
  }

  /// Whether the request speaks a protocol this server serves.
  var speaksGRPC: Bool { isGRPC || WireProtocol(contentType: contentType) == .grpc }
}
