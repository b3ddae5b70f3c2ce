import Logging
import RPCHTTP2

@testable import ClusterPoolServer

/// Serves `app` with a real RPCServer on an ephemeral loopback port, runs `body` with a
/// client connected to it, then closes the client and stops the server.
func serving<R>(
  _ app: ServerApplication, logger: Logger, _ body: (RPCClient) async throws -> R
) async throws -> R {
  let server = RPCServer(
    configuration: ServerConfiguration(host: "127.0.0.1", port: 0, eventLoopThreads: 1), registry: app.registry,
    logger: logger)
  return try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask { try await server.run() }
    defer { group.cancelAll() }
    let address = try await server.listeningAddress
    let client = RPCClient(configuration: .init(host: address.host, port: address.port), logger: logger)
    do {
      let result = try await body(client)
      await client.close()
      return result
    } catch {
      await client.close()
      throw error
    }
  }
}
