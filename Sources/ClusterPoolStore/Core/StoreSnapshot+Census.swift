public import ClusterPoolDomain

/// How many pools, clusters and queues the read model holds, by state: what the store gauges
/// of `/metrics` report, counted when scraped (not kept up to date on every write).
public struct StoreCensus: Sendable, Equatable {
  /// Stored pools not deleted.
  public var livePools = 0
  /// Stored pools deleted (kept for undelete and history).
  public var deletedPools = 0
  /// Clusters by lifecycle state, deleted ones included; every state is present.
  public var clusters: [ClusterState: Int] = Dictionary(uniqueKeysWithValues: ClusterState.allCases.map { ($0, 0) })
  /// Queues of their own (not a cluster's implicit one) by state; every state is present.
  public var queues: [QueueState: Int] = Dictionary(uniqueKeysWithValues: QueueState.allCases.map { ($0, 0) })
  /// The clusters not deleted, whose health the cluster service knows.
  public var liveClusters: [ClusterKey] = []

  public init() {}
}

extension StoreSnapshot {
  /// Counts the read model (one pass over its pools, clusters and queues).
  public func census() -> StoreCensus {
    var census = StoreCensus()
    (census.livePools, census.deletedPools) = catalog.census()
    for cluster in clusters.values {
      census.clusters[cluster.lifecycle.state, default: 0] += 1
      if cluster.isLive { census.liveClusters.append(cluster.key) }
    }
    for queue in queues.values { census.queues[queue.lifecycle.state, default: 0] += 1 }
    return census
  }
}
