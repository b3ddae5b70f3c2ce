public import ClusterPoolDomain
public import ClusterPoolStore
public import CoreMetrics

/// The gauges of what the server holds, set when `/metrics` is scraped: the counts the store's
/// read model keeps up to date with every row it stores (``StoreSnapshot/census()``, no walk),
/// and the health of each live cluster read from the cluster service's health board:
/// `clusterpool_pools{state}` (`live`, `deleted`), `clusterpool_clusters{state}` (lifecycle
/// states), `clusterpool_clusters_by_health{health}` (`healthy`, `unhealthy`, `unknown`; live
/// clusters), `clusterpool_queues{state}` and `clusterpool_cluster_watchers`.
public struct StoreGauges: Sendable {
  let store: PoolStore
  let clusters: ClusterService?
  let pools: (live: Gauge, deleted: Gauge)
  let clusterStates: [(ClusterState, Gauge)]
  let health: (healthy: Gauge, unhealthy: Gauge, unknown: Gauge)
  let queueStates: [(QueueState, Gauge)]
  let watchers: Gauge

  /// Gauges of `store` and of `clusters`' health and watchers, made by `factory`.
  public init(store: PoolStore, clusters: ClusterService?, factory: any MetricsFactory = MetricsSystem.factory) {
    self.store = store
    self.clusters = clusters
    func gauge(_ label: String, _ dimensions: [(String, String)] = []) -> Gauge {
      Gauge(label: label, dimensions: dimensions, factory: factory)
    }
    pools = (gauge("clusterpool_pools", [("state", "live")]), gauge("clusterpool_pools", [("state", "deleted")]))
    clusterStates = ClusterState.allCases.map { ($0, gauge("clusterpool_clusters", [("state", "\($0)")])) }
    health = (
      gauge("clusterpool_clusters_by_health", [("health", "healthy")]),
      gauge("clusterpool_clusters_by_health", [("health", "unhealthy")]),
      gauge("clusterpool_clusters_by_health", [("health", "unknown")])
    )
    queueStates = QueueState.allCases.map { ($0, gauge("clusterpool_queues", [("state", "\($0)")])) }
    watchers = gauge("clusterpool_cluster_watchers")
  }

  /// Sets every gauge from the store and the health board as they are now.
  public func update() {
    let snapshot = store.snapshot()
    let census = snapshot.census()
    pools.live.record(census.livePools)
    pools.deleted.record(census.deletedPools)
    for (state, gauge) in clusterStates { gauge.record(census.clusters[state] ?? 0) }
    for (state, gauge) in queueStates { gauge.record(census.queues[state] ?? 0) }
    guard let clusters else { return }
    var healthy = 0
    var unhealthy = 0
    var unknown = 0
    let now = ContinuousClock.now
    for key in snapshot.liveClusterKeys() {
      switch clusters.health.reading(key, now: now) {
      case .healthy: healthy += 1
      case .unhealthy: unhealthy += 1
      case .unknown: unknown += 1
      }
    }
    health.healthy.record(healthy)
    health.unhealthy.record(unhealthy)
    health.unknown.record(unknown)
    watchers.record(clusters.watchers.count)
  }
}
