internal import ClusterPoolDomain
internal import ClusterPoolStore
public import Logging
public import ServiceLifecycle
internal import Synchronization

/// The long-running side of cluster health, run in the server's `ServiceGroup`: tells
/// watchers when a cluster's heartbeat timeout passes (waking at the earliest one, so within
/// moments of it), deletes a DELETING cluster silent for the timeout (its data plane is gone;
/// a durable write, its implicit queue with it), saves the health that changed once per
/// save interval in one transaction, and once more at graceful shutdown. Make it with
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
    // DELETING clusters silent since before the start, or whose health was never saved
    for key in board.silentAmong(store.clusters(state: .deleting)) { await finishSilentDelete(key) }
    while !Task.isCancelled {
      let now = clock.now
      let (expired, nextTimeout) = board.sweep(now: now)
      for key in expired {
        if store.cluster(key)?.lifecycle.state == .deleting {
          await finishSilentDelete(key)
        } else {
          watchers.publish(key)
        }
      }
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

  /// Deletes the DELETING cluster `key`, silent for the heartbeat timeout, and tells watchers.
  /// On failure (the store closing) it stays DELETING until the next start looks again.
  func finishSilentDelete(_ key: ClusterKey) async {
    do {
      let cluster = try await store.changeCluster(key, .silentPastTimeout, by: Self.identity)
      if !cluster.isLive { board.forget(key) }  // watchers are told by the store
      logger.info(
        "cluster deleted: its data plane was silent for the heartbeat timeout",
        metadata: ["cluster": "\(key)", "state": "\(cluster.lifecycle.state)"])
    } catch {
      logger.warning("could not delete a silent DELETING cluster", metadata: ["cluster": "\(key)", "error": "\(error)"])
    }
  }

  /// Who the keeper's changes are by (the store keeps a cluster's last operator for them).
  static let identity = Identity.application(subject: "clusterpool-server")

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
