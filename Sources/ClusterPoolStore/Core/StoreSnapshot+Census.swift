public import ClusterPoolDomain

/// How many pools, clusters and queues the read model holds, by state: what the store gauges
/// of `/metrics` report, kept up to date by every row the read model stores (a scrape reads
/// them, it walks no rows).
public struct StoreCensus: Sendable, Equatable {
  /// Stored pools not deleted.
  public var livePools = 0
  /// Stored pools deleted (kept for undelete and history).
  public var deletedPools = 0
  /// Clusters by lifecycle state, deleted ones included; every state is present.
  public var clusters: [ClusterState: Int] = Dictionary(uniqueKeysWithValues: ClusterState.allCases.map { ($0, 0) })
  /// Queues of their own (not a cluster's implicit one) by state; every state is present.
  public var queues: [QueueState: Int] = Dictionary(uniqueKeysWithValues: QueueState.allCases.map { ($0, 0) })

  public init() {}
}

extension StoreSnapshot {
  /// The counts of the read model, as kept with its rows (no walk).
  public func census() -> StoreCensus {
    var census = counts
    (census.livePools, census.deletedPools) = catalog.census()
    return census
  }

  /// The same counts by one pass over every pool, cluster and queue: what ``census()`` must
  /// always equal (for tests).
  public func walkedCensus() -> StoreCensus {
    var census = StoreCensus()
    (census.livePools, census.deletedPools) = catalog.walkedCensus()
    for cluster in clusters.values { census.clusters[cluster.lifecycle.state, default: 0] += 1 }
    for queue in queues.values { census.queues[queue.lifecycle.state, default: 0] += 1 }
    return census
  }

  /// The clusters not deleted, of every organization, in no particular order (whose health
  /// the cluster service knows).
  public func liveClusterKeys() -> [ClusterKey] {
    indexes.flatMap { organization, index in
      index.clusters.names(deleted: false).map { ClusterKey(organization: organization, name: $0) }
    }
  }
}
