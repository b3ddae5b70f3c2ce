internal import Synchronization

/// Whether the server should be sent calls (`GET /readyz`): its store open and reachable and
/// calls accepted. Not ready from the moment graceful shutdown begins (before the drain), so
/// that a load balancer stops sending work while calls in flight finish.
public final class Readiness: Sendable {
  private let shuttingDown = Atomic<Bool>(false)
  private let store: @Sendable () async -> String?

  /// `store` tells why the store cannot serve (e.g. `database unreachable: ...`), or nil when it can.
  public init(store: @escaping @Sendable () async -> String? = { nil }) {
    self.store = store
  }

  /// Graceful shutdown has begun: not ready from now on.
  public func markShuttingDown() {
    shuttingDown.store(true, ordering: .releasing)
  }

  /// Whether ``markShuttingDown()`` was called.
  public var isShuttingDown: Bool { shuttingDown.load(ordering: .acquiring) }

  /// Why the server is not ready, or nil when it is.
  public func notReadyReason() async -> String? {
    if isShuttingDown { return "shutting down: calls in flight are finishing, new calls are refused" }
    return await store()
  }
}
