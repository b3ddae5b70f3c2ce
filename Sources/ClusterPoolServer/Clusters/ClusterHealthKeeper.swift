internal import ClusterPoolDomain
internal import ClusterPoolStore
public import Logging
public import ServiceLifecycle
internal import Synchronization

/// The long-running side of cluster health, run in the server's `ServiceGroup`: tells
/// watchers when a cluster's heartbeat timeout passes (waking at the earliest one, so within
/// moments of it), saves the health that changed once per save interval in one
/// transaction, and once more at graceful shutdown. Make it with
/// ``ClusterService/healthKeeper(logger:)``.
public final class ClusterHealthKeeper: Service, Sendable {
  let board: ClusterHealthBoard
  let store: any ClusterStore
  let watchers: ClusterWatchHub
  let saveInterval: Duration
  let logger: Logger
  /// Save intervals begun (the first at start); at most one save per interval, plus the
  /// one at shutdown.
  let intervals = Atomic<Int>(0)

  init(board: ClusterHealthBoard, store: any ClusterStore, watchers: ClusterWatchHub, saveInterval: Duration, logger: Logger) {
    self.board = board
    self.store = store
    self.watchers = watchers
    self.saveInterval = saveInterval
    self.logger = logger
  }

  /// Runs until graceful shutdown (or cancellation), then saves what changed.
  public func run() async throws {
    await cancelWhenGracefulShutdown { await self.watchAndSave() }
    await save()
  }

  private func watchAndSave() async {
    let clock = ContinuousClock()
    intervals.add(1, ordering: .relaxed)
    var nextSave = clock.now + saveInterval
    while !Task.isCancelled {
      let now = clock.now
      let (expired, nextTimeout) = board.sweep(now: now)
      for key in expired { watchers.publish(key) }
      if now >= nextSave {
        intervals.add(1, ordering: .relaxed)
        nextSave = now + saveInterval
        await save()
      }
      // A cluster that reports for the first time later times out no earlier than
      // `timeout` from now, so sleeping that long misses nothing.
      let wake = min(nextSave, nextTimeout ?? now + board.timeout)
      do { try await clock.sleep(until: wake, tolerance: .milliseconds(5)) } catch { return }
    }
  }

  /// Saves the health changed since the last save in one transaction; on failure it is kept
  /// for the next one.
  func save() async {
    let records = board.takeChanged()
    guard !records.isEmpty else { return }
    do {
      try await store.saveHealth(records)
    } catch {
      board.restore(records)
      logger.warning("could not save cluster health; retrying at the next interval", metadata: ["error": "\(error)"])
    }
  }
}
