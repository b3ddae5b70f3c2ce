internal import ClusterPoolDomain
internal import Synchronization

extension ClusterHealthBoard {
  /// Whether ``silentAmong(_:now:wallNow:)`` would find the DELETING `cluster` silent for the
  /// timeout now, changing nothing (a dry-run delete's answer): its registration has health
  /// older than the timeout. One with no health for its registration is not (its silence
  /// would start now).
  func isSilent(_ cluster: Cluster, now: ContinuousClock.Instant = .now) -> Bool {
    state.withLock { state in
      guard let entry = state.entries[cluster.key], entry.registeredAt == cluster.createdAt else { return false }
      return now - entry.lastSeen >= timeout
    }
  }
}
