import ClusterPoolDomain
import ClusterPoolTesting
import Logging
import RPCHTTP2

/// The server of these tests: ``LocalServer`` (the services `clusterpool-server` serves) in
/// organization `acme`, every change made by user `tester`, on SQLite in a temporary folder
/// (or in `folder`, which is kept for a later server: a restart).
extension LocalServer.Options {
  static func acme(
    folder: String? = nil, heartbeatTimeout: Duration = .seconds(60), healthSaveInterval: Duration = .seconds(3600)
  ) -> LocalServer.Options {
    var options = LocalServer.Options(organization: "acme", storage: folder.map { .sqlite(folder: $0) } ?? .temporarySQLite)
    options.callerIdentity = .user(subject: "tester")
    options.heartbeatTimeout = heartbeatTimeout
    options.healthSaveInterval = healthSaveInterval
    return options
  }
}

/// Runs `body` with a ``LocalServer`` made as `options` say and a raw `RPCClient` to it (the
/// typed test clients call methods the Swift client library does not), then closes the client
/// and stops the server.
func withLocalServer<R>(
  _ options: LocalServer.Options = .acme(), _ body: (RPCClient, LocalServer) async throws -> R
) async throws -> R {
  try await LocalServer.run(options) { server in
    let client = RPCClient(configuration: server.settings.clientConfiguration, logger: options.logger)
    do {
      let result = try await body(client, server)
      await client.close()
      return result
    } catch {
      await client.close()
      throw error
    }
  }
}
