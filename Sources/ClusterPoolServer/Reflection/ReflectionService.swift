public import ClusterPoolProto
public import RPCCore

/// `grpc.reflection.v1.ServerReflection`: lets generic clients discover the services and
/// their descriptors without the .proto files.
public struct ReflectionService: Sendable {
  public static let serviceName = "grpc.reflection.v1.ServerReflection"
  public let index: ReflectionIndex

  public init(index: ReflectionIndex) {
    self.index = index
  }

  public func register(in registry: MethodRegistry) {
    let index = self.index
    registry.bidiStreaming(
      MethodDescriptor(service: Self.serviceName, method: "ServerReflectionInfo"),
      ReflectionIndex.Request.self, ReflectionIndex.Response.self
    ) { requests, writer, _ in
      for try await request in requests {
        try await writer.write(index.response(to: request))
      }
    }
  }
}
