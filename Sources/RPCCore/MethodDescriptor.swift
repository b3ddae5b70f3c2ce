/// Names one RPC method: the fully-qualified service and the method, whose HTTP/2 `:path`
/// is `/service/method`.
public struct MethodDescriptor: Sendable, Hashable, CustomStringConvertible {
  /// The fully-qualified service name, e.g. `cloudidl.clusterpool.ClusterPoolService`.
  public var service: String
  /// The method name, e.g. `Get`.
  public var method: String

  /// Creates a descriptor.
  public init(service: String, method: String) {
    self.service = service
    self.method = method
  }

  /// Parses a `:path` of the form `/service/method`.
  public init?(path: String) {
    guard path.first == "/" else { return nil }
    let rest = path.dropFirst()
    guard let slash = rest.lastIndex(of: "/") else { return nil }
    let service = rest[..<slash], method = rest[rest.index(after: slash)...]
    guard !service.isEmpty, !method.isEmpty else { return nil }
    self.init(service: String(service), method: String(method))
  }

  /// The HTTP/2 `:path`: `/service/method`.
  public var path: String { "/\(service)/\(method)" }

  public var description: String { path }
}
