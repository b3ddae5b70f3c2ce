public import ServiceLifecycle

extension PoolStore: Service {
  /// Runs until graceful shutdown (or cancellation), then finishes the queued writes and
  /// closes the backend. The store serves from the moment it is opened; running it only ties
  /// its end to the server's `ServiceGroup`.
  public func run() async throws {
    try? await gracefulShutdown()
    await close()
  }
}
