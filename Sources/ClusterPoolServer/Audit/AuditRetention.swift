public import ClusterPoolStore
public import Logging
public import ServiceLifecycle

/// Removes audit records older than the retention (`--audit-retention`), at start and then
/// every ``interval``, through the backend's ``AuditLogStorage/pruneAudit(before:)`` (each
/// chain keeps an anchor, so what is left verifies). A swift-service-lifecycle `Service`.
public struct AuditRetention: Service {
  let log: any AuditLogStorage
  let retention: Duration
  let interval: Duration
  let logger: Logger

  public init(log: any AuditLogStorage, retention: Duration, interval: Duration = .seconds(3600), logger: Logger) {
    self.log = log
    self.retention = retention
    self.interval = interval
    self.logger = logger
  }

  public func run() async throws {
    await cancelWhenGracefulShutdown {
      while !Task.isCancelled {
        await prune()
        try? await Task.sleep(for: interval)
      }
    }
  }

  func prune() async {
    let now = WallClock.now()
    let (seconds, attoseconds) = retention.components
    let cutoff = now.nanosecondsSinceEpoch &- (seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000)
    do {
      let removed = try await log.pruneAudit(before: .init(nanosecondsSinceEpoch: cutoff))
      if removed > 0 { logger.info("removed audit records past their retention", metadata: ["records": "\(removed)"]) }
    } catch {
      logger.error("cannot remove audit records past their retention", metadata: ["error": "\(error)"])
    }
  }
}
