public import ClusterPoolDomain

/// The rows a batch of writes will read (pools, clusters and queues by key), told to
/// ``RowTransaction/prefetch(_:)`` once the batch's organizations are locked, so that a backend
/// reached over a network can read them in one round trip per table instead of one per read.
/// A hint only: a write may read rows not named here, and need not read every row named.
public struct RowKeys: Sendable, Hashable {
  public var pools: Set<PoolKey>
  public var clusters: Set<ClusterKey>
  public var queues: Set<QueueKey>

  public init(pools: Set<PoolKey> = [], clusters: Set<ClusterKey> = [], queues: Set<QueueKey> = []) {
    self.pools = pools
    self.clusters = clusters
    self.queues = queues
  }

  /// Whether no row is named.
  public var isEmpty: Bool { pools.isEmpty && clusters.isEmpty && queues.isEmpty }

  /// Adds the rows `other` names.
  public mutating func formUnion(_ other: RowKeys) {
    pools.formUnion(other.pools)
    clusters.formUnion(other.clusters)
    queues.formUnion(other.queues)
  }

  /// The rows a write of `organization` may read first: its `default` pool (materialized by
  /// an organization's first write) and `pools`.
  static func pools(_ organization: Organization, _ pools: PoolKey...) -> RowKeys {
    RowKeys(pools: Set(pools + [PoolKey(organization: organization, name: .defaultName)]))
  }
}

/// A failure of ``RowTransaction/commit(_:)`` in which the database refused the rows of the
/// transaction before committing (nothing was written; e.g. a value the database cannot
/// store). When ``refusedRows`` holds, one write of the batch may be the cause: the core runs
/// each write of the batch again in a transaction of its own, so that only the one at fault
/// fails.
public protocol CommitFailure: Error {
  /// Whether the database refused the transaction's rows themselves (not the connection, not
  /// the commit): retrying each write alone may succeed.
  var refusedRows: Bool { get }
}
