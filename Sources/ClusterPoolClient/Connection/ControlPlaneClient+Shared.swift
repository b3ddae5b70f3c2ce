internal import Synchronization

extension ControlPlaneClient {
  private static let sharedClient = Mutex<ControlPlaneClient?>(nil)

  /// The client the static API uses when none is passed. On first use it is made from
  /// `ConnectionSettings.resolve()` (environment, then `FLYTECTL_CONFIG` or
  /// `~/.flyte/config.yaml`), logging nowhere; `setShared(_:)` replaces it.
  public static var shared: ControlPlaneClient {
    get throws(ConfigurationError) {
      try sharedClient.withLock { client throws(ConfigurationError) in
        if let client { return client }
        let made = ControlPlaneClient(settings: try .resolve(), logger: nil)
        client = made
        return made
      }
    }
  }

  /// Makes `client` the shared client (`nil`: resolve the settings again on next use).
  /// The previous shared client is not closed.
  public static func setShared(_ client: ControlPlaneClient?) {
    sharedClient.withLock { $0 = client }
  }

  /// The client `withClient(_:_:)` set for the running task, which wins over `shared`.
  @TaskLocal static var taskClient: ControlPlaneClient?

  /// Runs `body` with `client` as the client of the static API (`Cluster.create(...)` without
  /// `client:`) in this task and the tasks it starts, whatever `shared` is; for code (and
  /// tests) that must not change the process-wide client.
  public static func withClient<Result>(
    _ client: ControlPlaneClient, _ body: () async throws -> Result
  ) async rethrows -> Result {
    try await $taskClient.withValue(client, operation: body)
  }

  /// `client`, else the task's client, else the shared client.
  static func resolve(_ client: ControlPlaneClient?) throws(ConfigurationError) -> ControlPlaneClient {
    if let client { return client }
    if let taskClient { return taskClient }
    return try shared
  }
}
