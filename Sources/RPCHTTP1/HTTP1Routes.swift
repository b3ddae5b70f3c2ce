package import RPCCore

/// The servable methods by path, as an HTTP/1.1 connection looks them up. Built once per
/// server from the registry's snapshot; read without locking.
package struct HTTP1Routes: Sendable {
  /// One method: its descriptor and its type-erased handler.
  package struct Route: Sendable {
    package let descriptor: MethodDescriptor
    package let handler: MethodHandler
    /// The per-call rules of the method's service, if any.
    package let policy: (any CallPolicy)?

    /// The policy's response header fields (none without a policy).
    func extraFields(_ context: ServerContext) -> [(String, String)] { policy?.currentResponseFields(for: context) ?? [] }
  }

  private let table: [String: Route]
  /// Plain HTTP resources (token endpoint, JWKS, metadata), looked up first.
  package let plain: HTTPRoutes
  /// Authenticates every call before its handler runs.
  package let authenticator: (any CallAuthenticator)?

  /// Routes for every method of the registry.
  package init(_ registry: MethodRegistry) {
    var table: [String: Route] = [:]
    for (path, handler) in registry.snapshot() {
      guard let descriptor = MethodDescriptor(path: path) else { continue }
      table[path] = Route(descriptor: descriptor, handler: handler, policy: registry.policy(for: descriptor))
    }
    self.table = table
    self.plain = registry.routeSnapshot()
    self.authenticator = registry.authenticator
  }

  /// The route of a request target (`/service/method`, a query string ignored).
  package subscript(target target: String) -> Route? {
    if let query = target.firstIndex(of: "?") { return table[String(target[..<query])] }
    return table[target]
  }
}
