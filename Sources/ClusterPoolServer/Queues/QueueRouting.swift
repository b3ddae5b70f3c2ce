internal import ClusterPoolDomain
internal import ClusterPoolStore

/// Where a queue routes now (`status.available_clusters`), read from the cluster side's
/// memory, so it follows every cluster change at once: its pinned clusters, or every member of
/// its pool, that are live members of the queue's pool, ACTIVE, and not UNHEALTHY (no
/// heartbeat timeout, no data-plane drift). A deleted queue routes nowhere.
struct QueueRouting: Sendable {
  let store: any QueueStore
  let health: ClusterHealthBoard

  /// The clusters `entry` routes to at `now`, and the first instant at which that can change
  /// by time alone (the earliest heartbeat timeout ahead among them; nil when none is): until
  /// then it changes only with the organization's rows (``ClusterStore/version(of:)``) or a
  /// health reading (``ClusterHealthBoard/generation``).
  func availableClusters(
    _ entry: QueueEntry, now: ContinuousClock.Instant = .now
  ) -> (clusters: [ResourceName], validUntil: ContinuousClock.Instant?) {
    guard entry.isLive else { return ([], nil) }
    let org = entry.organization
    let pool = entry.poolName
    let candidates = entry.pins.isEmpty ? store.pool(PoolKey(organization: org, name: pool))?.memberClusters ?? [] : entry.pins
    let active = candidates.lazy.map { ClusterKey(organization: org, name: $0) }.filter { key in
      guard let cluster = store.cluster(key) else { return false }
      return cluster.isLive && cluster.poolName == pool && cluster.lifecycle.state == .active
    }
    let keys = Array(active)
    let (unhealthy, next) = health.unhealthy(keys, now: now)
    return (zip(keys, unhealthy).compactMap { key, unhealthy in unhealthy ? nil : key.name }, next)
  }
}

extension ClusterHealthBoard {
  /// Whether each of `keys` reads UNHEALTHY at `now` (``reading(_:now:)``: silent past the
  /// timeout, or drifting), under one lock and without the reasons' text, and the earliest
  /// instant at which one of them not UNHEALTHY now times out (nil: none can): a GetQueue
  /// reads this for every member of its pool.
  func unhealthy(_ keys: [ClusterKey], now: ContinuousClock.Instant = .now) -> (unhealthy: [Bool], next: ContinuousClock.Instant?) {
    guard !keys.isEmpty else { return ([], nil) }
    return state.withLock { state in
      var next: ContinuousClock.Instant?
      let unhealthy = keys.map { key in
        guard let entry = state.entries[key], entry.heard else { return false }
        let deadline = entry.lastSeen + timeout
        if now >= deadline || !entry.drift.isEmpty { return true }
        if next.map({ deadline < $0 }) ?? true { next = deadline }
        return false
      }
      return (unhealthy, next)
    }
  }
}
