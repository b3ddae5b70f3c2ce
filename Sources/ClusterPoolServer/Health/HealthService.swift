public import ClusterPoolProto
public import RPCCore

/// `grpc.health.v1.Health`: Check and Watch over a `HealthStatusProvider`.
public struct HealthService: Sendable {
  public static let serviceName = "grpc.health.v1.Health"
  public let provider: HealthStatusProvider

  public init(provider: HealthStatusProvider) {
    self.provider = provider
  }

  typealias Request = Grpc.Health.V1.HealthCheckRequest
  typealias Response = Grpc.Health.V1.HealthCheckResponse

  /// Adds Check (inline: an in-memory read) and Watch to `registry`.
  public func register(in registry: MethodRegistry) {
    let provider = self.provider
    registry.inline(MethodDescriptor(service: Self.serviceName, method: "Check"), Request.self, Response.self) {
      request, _ in
      guard let status = provider.status(of: request.service) else {
        throw RPCError(code: .notFound, message: "unknown service \(request.service)")
      }
      return Response(status: status)
    }
    registry.serverStreaming(MethodDescriptor(service: Self.serviceName, method: "Watch"), Request.self, Response.self) {
      request, writer, _ in
      for await status in provider.updates(of: request.service) {
        try await writer.write(Response(status: status))
      }
    }
  }
}
