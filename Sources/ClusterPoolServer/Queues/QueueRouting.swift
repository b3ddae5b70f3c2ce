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
    return candidates.filter { name in
      let key = ClusterKey(organization: org, name: name)
      guard let cluster = store.cluster(key), cluster.isLive, cluster.poolName == pool, cluster.lifecycle.state == .active else {
        return false
      }
      if case .unhealthy = health.reading(key) { return false }
      return true
    }
  }
}
