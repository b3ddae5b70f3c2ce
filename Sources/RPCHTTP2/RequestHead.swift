internal import RPCCore

/// The parts of a request's headers the server acts on, collected field by field.
struct RequestHead {
  var method = ""
  var route: ServerRoute?
  var path: String?
  var contentType: String?
  /// `:authority`, else a `host` field.
  var authority: String?
  /// Every other field (protocol fields included: `WireCall` takes those out).
  var fields = Metadata()
  /// The header list size as HTTP/2 counts it (name + value + 32 per field).
  var size = 0

  /// Takes one field, routed through the server's `shared` tables; `lastRoute` short-cuts the
  /// `:path` lookup for repeated methods. (The server's state is passed, not its routes: the
  /// table passed as an argument was retained and released for every field.)
  mutating func add(
    _ name: HeaderBytes, _ value: HeaderBytes, shared: ServerConnectionHandler.Shared,
    lastRoute: inout ServerRoute?
  ) {
    size += name.count + value.count + 32
    // past the limit: refused at the end of the block; keep nothing
    guard size <= shared.limits.maxHeaderListSize else { return }
    switch name.count {
    case 5 where name.matches(":path"):
      if let last = lastRoute, value.matches(last.pathUTF8) {
        route = last
        path = last.path
      } else {
        let path = value.string
        self.path = path
        route = shared.routes[path]
        if route != nil { lastRoute = route }
      }
      return
    case 7 where name.matches(":method"):
      method = value.matches("POST") ? "POST" : value.string
      return
    case 10 where name.matches(":authority"):
      authority = value.string
      return
    case 7 where name.matches(":scheme"), 2 where name.matches("te"):
      return
    case 12 where name.matches("content-type"):
      // The common content types without making a string.
      if value.matches("application/grpc") {
        contentType = "application/grpc"
      } else if value.matches("application/proto") {
        contentType = "application/proto"
      } else {
        contentType = value.string
      }
      return
    default:
      fields.addLowercased(name.string, value.string)
    }
  }

  /// The head as the transport-neutral RPC core reads it.
  var wireHead: WireRequestHead {
    WireRequestHead(method: method, path: path ?? "", contentType: contentType, fields: fields)
  }
}
