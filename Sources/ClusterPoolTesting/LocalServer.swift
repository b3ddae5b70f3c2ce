public import ClusterPoolClient
public import ClusterPoolServer
public import ClusterPoolStore
internal import Logging
internal import RPCHTTP2
internal import ServiceLifecycle

/// A real `clusterpool-server` in this process, for integration tests: the same services,
/// wired by the same ``ServerAssembly``, on an ephemeral loopback port, over the in-memory
/// backend (or a temporary SQLite file).
///
/// ```swift
/// try await LocalServer.run { server in
///   let pool = try await ClusterPool.create("prod", ..., using: server.client)
/// }
/// ```
///
/// ``run(_:_:)`` starts it, applies the seed documents if any (``Options/seed``, as `flyte
/// apply` does), hands it to the body, and when the body returns or throws (or the
/// task is cancelled) shuts it down gracefully: the port is closed, the store closed, its
/// temporary files removed and its tasks ended before `run` returns.
public struct LocalServer: Sendable {
  /// The listening address, `127.0.0.1`.
  public let host: String
  /// The port the system picked.
  public let port: Int
  /// Client settings for this server: cleartext (or TLS trusting ``Options/TLSFiles``'s CA),
  /// the options' organization, and with auth on the bootstrap admin's credentials.
  public let settings: ConnectionSettings
  /// A client over ``settings``, closed when ``run(_:_:)`` returns.
  public let client: ControlPlaneClient
  /// With auth on, the admin app's key (`FLYTE_API_KEY`), of the options' organization.
  public let adminKey: FlyteAPIKey?
  /// The SQLite file, for a server on SQLite (nil in memory).
  public let databasePath: String?
  /// The services, for what a test cannot see through the wire (the store itself, the
  /// cluster service's health board).
  public let assembly: ServerAssembly

  /// `host:port`.
  public var endpoint: String { "\(host):\(port)" }

  /// Starts a server made as `options` say, runs `body` with it, then stops it gracefully and
  /// removes what it made; returns what `body` returned, or throws what it threw.
  public static func run<Result>(
    _ options: Options = Options(), _ body: (LocalServer) async throws -> Result
  ) async throws -> Result {
    let folder: TemporaryFolder? = options.storage == .temporarySQLite ? try TemporaryFolder() : nil
    defer { folder?.remove() }
    let started = try await Started.start(options, folder: folder?.path)
    let group = ServiceGroup(configuration: .init(services: started.assembly.services(server: started.server), logger: options.logger))
    return try await withThrowingTaskGroup(of: Void.self, returning: Result.self) { tasks in
      tasks.addTask { try await group.run() }
      let outcome: Swift.Result<Result, any Error>
      do {
        let local = try await started.localServer(options)
        do {
          try await local.seed(options)
          outcome = .success(try await body(local))
        } catch {
          outcome = .failure(error)
        }
        await local.client.close()
      } catch {
        outcome = .failure(error)
      }
      await group.triggerGracefulShutdown()
      var stopError: (any Error)?
      while let ended = await tasks.nextResult() {
        if case .failure(let error) = ended, !(error is CancellationError) { stopError = stopError ?? error }
      }
      await started.assembly.store.close()  // the group closed it already, unless it ended by an error
      let result = try outcome.get()
      if let stopError { throw LocalServerError("the server stopped with an error: \(stopError)") }
      return result
    }
  }
}
