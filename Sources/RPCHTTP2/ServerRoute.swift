internal import RPCCore

/// A servable method as a connection sees it: its path (also as bytes, to match `:path`
/// without making a string), descriptor and handler. Built once per server.
final class ServerRoute: Sendable {
  let path: String
  let pathUTF8: [UInt8]
  let descriptor: MethodDescriptor
  let handler: MethodHandler
  /// The per-call rules of the method's service, if any.
  let policy: (any CallPolicy)?

  init(descriptor: MethodDescriptor, handler: MethodHandler, policy: (any CallPolicy)? = nil) {
    self.path = descriptor.path
    self.pathUTF8 = Array(descriptor.path.utf8)
    self.descriptor = descriptor
    self.handler = handler
    self.policy = policy
  }

  /// Routes by path for every method of the registry.
  static func table(_ registry: MethodRegistry) -> [String: ServerRoute] {
    var table: [String: ServerRoute] = [:]
    for (path, handler) in registry.snapshot() {
      guard let descriptor = MethodDescriptor(path: path) else { continue }
      table[path] = ServerRoute(descriptor: descriptor, handler: handler, policy: registry.policy(for: descriptor))
    }
    return table
  }
}
