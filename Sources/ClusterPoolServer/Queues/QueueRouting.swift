internal import ClusterPoolDomain
internal import ClusterPoolStore

/// Where a queue routes now (`status.available_clusters`), read from the cluster side's
/// memory at every read, so it follows every cluster change at once: its pinned clusters, or
/// every member of its pool, that are live members of the queue's pool, ACTIVE, and not
/// UNHEALTHY (no heartbeat timeout, no data-plane drift). A deleted queue routes nowhere.
struct QueueRouting: Sendable {
  let store: any QueueStore
  let health: ClusterHealthBoard

  func availableClusters(_ entry: QueueEntry) -> [ResourceName] {
    guard entry.isLive else { return [] }
    let org = entry.organization
    let pool = entry.poolName
    let candidates = entry.pins.isEmpty ? store.pool(PoolKey(organization: org, name: pool))?.memberClusters ?? [] : entry.pins
    let active = candidates.lazy.map { ClusterKey(organization: org, name: $0) }.filter { key in
      guard let cluster = store.cluster(key) else { return false }
      return cluster.isLive && cluster.poolName == pool && cluster.lifecycle.state == .active
    }
    let keys = Array(active)
    return zip(keys, health.unhealthy(keys)).compactMap { key, unhealthy in unhealthy ? nil : key.name }
  }
}

extension ClusterHealthBoard {
  /// Whether each of `keys` reads UNHEALTHY at `now` (``reading(_:now:)``: silent past the
  /// timeout, or drifting), under one lock and without the reasons' text: a GetQueue reads this
  /// for every member of its pool.
  func unhealthy(_ keys: [ClusterKey], now: ContinuousClock.Instant = .now) -> [Bool] {
    guard !keys.isEmpty else { return [] }
    return state.withLock { state in
      keys.map { key in
        guard let entry = state.entries[key], entry.heard else { return false }
        return now - entry.lastSeen >= timeout || !entry.drift.isEmpty
      }
    }
  }
}
