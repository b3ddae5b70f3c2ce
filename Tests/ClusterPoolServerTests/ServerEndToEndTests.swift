import ClusterPoolProto
import ClusterPoolTesting
import Logging
import RPCCore
import RPCHTTP2
import Testing

@testable import ClusterPoolServer

/// The assembled server (LocalServer: health, reflection, test service) on a loopback port, called with
/// our Swift client.
@Suite struct ServerEndToEndTests {
  typealias HealthRequest = Grpc.Health.V1.HealthCheckRequest
  typealias HealthResponse = Grpc.Health.V1.HealthCheckResponse
  typealias ReflectionRequest = Grpc.Reflection.V1.ServerReflectionRequest
  typealias ReflectionResponse = Grpc.Reflection.V1.ServerReflectionResponse

  static let check = MethodDescriptor(service: HealthService.serviceName, method: "Check")
  static let watch = MethodDescriptor(service: HealthService.serviceName, method: "Watch")
  static let reflect = MethodDescriptor(service: ReflectionService.serviceName, method: "ServerReflectionInfo")
  static let echo = MethodDescriptor(service: TestService.serviceName, method: "Unary")

  /// Runs `body` against a fresh server on an ephemeral port, then stops the server.
  func withServer<R>(
    testService: Bool = true, _ body: (RPCClient, ServerApplication) async throws -> R
  ) async throws -> R {
    var options = LocalServer.Options()
    options.enableTestService = testService
    return try await withLocalServer(options) { client, server in try await body(client, server.assembly.app) }
  }

  func checkHealth(_ client: RPCClient, _ service: String) async throws -> HealthResponse.ServingStatus {
    try await client.unary(
      Self.check, request: HealthRequest(service: service), serializer: ProtoSerializer(),
      deserializer: ProtoDeserializer<HealthResponse>()
    ).status
  }

  @Test func healthCheckReportsEveryServedService() async throws {
    try await withServer { client, _ in
      for service in ["", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "rpctest.v1.TestService"] {
        let status = try await checkHealth(client, service)
        #expect(status == .serving, "\(service)")
      }
      await #expect(throws: RPCError.self) {
        do { _ = try await checkHealth(client, "no.such.Service") } catch let error as RPCError {
          #expect(error.code == .notFound)
          throw error
        }
      }
    }
  }

  @Test func healthWatchStreamsChanges() async throws {
    try await withServer { client, app in
      let seen = try await client.serverStreaming(
        Self.watch, request: HealthRequest(service: "rpctest.v1.TestService"), serializer: ProtoSerializer(),
        deserializer: ProtoDeserializer<HealthResponse>()
      ) { responses in
        var seen: [HealthResponse.ServingStatus] = []
        for try await response in responses {
          seen.append(response.status)
          if seen.count == 1 { app.health.setStatus(.notServing, for: "rpctest.v1.TestService") }
          if seen.count == 2 { break }
        }
        return seen
      }
      #expect(seen == [.serving, .notServing])
    }
  }

  @Test func reflectionListsTheApiAndServesDescriptors() async throws {
    try await withServer(testService: false) { client, _ in
      let replies = try await client.bidiStreaming(
        Self.reflect, serializer: ProtoSerializer<ReflectionRequest>(), deserializer: ProtoDeserializer<ReflectionResponse>(),
        requests: { writer in
          try await writer.write(ReflectionRequest(messageRequest: .listServices("")))
          try await writer.write(ReflectionRequest(messageRequest: .fileContainingSymbol("cloudidl.queue.QueueService")))
        },
        handler: { responses in
          var replies: [ReflectionResponse] = []
          for try await response in responses { replies.append(response) }
          return replies
        })
      #expect(replies.count == 2)
      guard case .listServicesResponse(let list) = replies.first?.messageResponse else {
        Issue.record("expected a service list")
        return
      }
      #expect(list.service.map(\.name) == [
        "cloudidl.authorizer.AuthorizerService", "cloudidl.cluster.ClusterService", "cloudidl.clusterpool.ClusterPoolService",
        "cloudidl.identity.AppsService", "cloudidl.identity.MemberService", "cloudidl.identity.PolicyService",
        "cloudidl.identity.RoleService", "cloudidl.identity.UserService", "cloudidl.queue.QueueService",
        "clusterpool.audit.v1.AuditService", "flyteidl2.auth.AuthMetadataService", "flyteidl2.auth.IdentityService",
        "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
      ])
      guard case .fileDescriptorResponse(let files) = replies.last?.messageResponse else {
        Issue.record("expected descriptors")
        return
      }
      #expect(files.fileDescriptorProto.first == ProtoFileDescriptors.file(named: "cloudidl/queue/queue.proto")?.serializedProto)
    }
  }

  @Test func testServiceIsOffByDefault() async throws {
    try await withServer(testService: false) { client, _ in
      do {
        _ = try await client.unary(
          Self.echo, request: Rpctest.V1.EchoRequest(text: "hi"), serializer: ProtoSerializer(),
          deserializer: ProtoDeserializer<Rpctest.V1.EchoResponse>())
        Issue.record("expected UNIMPLEMENTED")
      } catch let error as RPCError {
        #expect(error.code == .unimplemented)
      }
    }
  }

  @Test func echoCarriesLargeMessagesAndStatuses() async throws {
    try await withServer { client, _ in
      let payload = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
      let reply = try await client.unary(
        Self.echo, request: Rpctest.V1.EchoRequest(payload: payload, text: "grüße ✓"), serializer: ProtoSerializer(),
        deserializer: ProtoDeserializer<Rpctest.V1.EchoResponse>(), options: .init(compressRequests: true))
      #expect(reply.payload == payload)
      #expect(reply.text == "grüße ✓")
      do {
        _ = try await client.unary(
          Self.echo, request: Rpctest.V1.EchoRequest(text: "kein Zugriff: 100%", failCode: 7), serializer: ProtoSerializer(),
          deserializer: ProtoDeserializer<Rpctest.V1.EchoResponse>())
        Issue.record("expected PERMISSION_DENIED")
      } catch let error as RPCError {
        #expect(error.code == .permissionDenied)
        #expect(error.message == "kein Zugriff: 100%")
      }
    }
  }
}
