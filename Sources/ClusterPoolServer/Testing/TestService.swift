public import ClusterPoolProto
public import RPCCore

/// `rpctest.v1.TestService`: an echo service the end-to-end tests use to exercise the
/// transport (large messages, delays, deadlines, cancellation, streaming, failures).
/// Served only when the server is started with `--enable-test-service`.
public struct TestService: Sendable {
  public static let serviceName = "rpctest.v1.TestService"
  typealias Request = Rpctest.V1.EchoRequest
  typealias Response = Rpctest.V1.EchoResponse

  public init() {}

  public func register(in registry: MethodRegistry) {
    registry.unary(MethodDescriptor(service: Self.serviceName, method: "Unary"), Request.self, Response.self) {
      request, _ in
      try await Self.reply(to: request, index: 0)
    }
    registry.serverStreaming(MethodDescriptor(service: Self.serviceName, method: "ServerStream"), Request.self, Response.self) {
      request, writer, _ in
      for index in 0..<max(request.count, 1) {
        try await writer.write(try await Self.reply(to: request, index: index))
      }
    }
    registry.bidiStreaming(MethodDescriptor(service: Self.serviceName, method: "Bidi"), Request.self, Response.self) {
      requests, writer, _ in
      var index: UInt32 = 0
      for try await request in requests {
        try await writer.write(try await Self.reply(to: request, index: index))
        index += 1
      }
    }
  }

  /// Waits `delay_ms` (cancellable), then fails with `fail_code` or echoes.
  static func reply(to request: Request, index: UInt32) async throws -> Response {
    if request.delayMs > 0 {
      try await Task.sleep(for: .milliseconds(Int(request.delayMs)))
    }
    if request.failCode != 0 {
      throw RPCError(code: RPCStatusCode(rawValue: Int(request.failCode)), message: request.text)
    }
    let payload = request.replySize > 0 ? [UInt8](repeating: 0x78, count: Int(request.replySize)) : request.payload
    return Response(payload: payload, text: request.text, index: index)
  }
}
