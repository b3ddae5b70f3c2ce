import ClusterPoolClient
import ClusterPoolProto
import Foundation
import Logging
import RPCCore
import RPCHTTP2
import Synchronization

/// A loopback RPCServer serving only the handlers a test registers, for checking what the
/// client sends and how it reads what comes back, without the cluster and queue services.
func withRecordingServer(
  organization: String = "acme", register: (MethodRegistry) -> Void,
  _ body: (ControlPlaneClient) async throws -> Void
) async throws {
  let logger = Logger(label: "cluster-client-test", factory: { _ in SwiftLogNoOpLogHandler() })
  let registry = MethodRegistry()
  register(registry)
  let server = RPCServer(
    configuration: ServerConfiguration(host: "127.0.0.1", port: 0, eventLoopThreads: 1), registry: registry,
    logger: logger)
  try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask { try await server.run() }
    defer { group.cancelAll() }
    let address = try await server.listeningAddress
    let client = ControlPlaneClient(
      settings: .server(host: address.host, port: address.port, organization: organization), logger: logger)
    do {
      try await body(client)
      await client.close()
    } catch {
      await client.close()
      throw error
    }
  }
}

/// The method descriptor of a generated method.
func descriptor(_ method: ProtoMethodInfo) -> MethodDescriptor {
  MethodDescriptor(service: method.serviceName, method: method.name)
}

/// Requests a handler received, in order.
final class Recorded<Request: Sendable>: Sendable {
  private let items = Mutex<[Request]>([])

  func append(_ request: Request) { items.withLock { $0.append(request) } }
  var all: [Request] { items.withLock { $0 } }
}
