public import ClusterPoolDomain

/// Durable storage of clusters, sharing the pool store's transaction so that membership and
/// the pool delete guard never disagree. Reads are served from memory; writes return once
/// durable and visible.
public protocol ClusterStore: Sendable {
  /// The pool of `key`, live or deleted; nil when there is none. Never blocks on I/O.
  func pool(_ key: PoolKey) -> ClusterPool?

  /// The cluster of `key`, live or deleted; nil when there is none. Never blocks on I/O.
  func cluster(_ key: ClusterKey) -> Cluster?

  /// The clusters of `organization`, sorted by name; deleted ones only when asked.
  func clusters(in organization: Organization, includeDeleted: Bool) -> [Cluster]

  /// CreateCluster: registers `key` into `poolName` with its implicit queue.
  func registerCluster(_ key: ClusterKey, into poolName: ResourceName, by actor: Identity) async throws(DomainError) -> Cluster

  /// Applies a lifecycle request to the cluster `key`.
  func changeCluster(_ key: ClusterKey, _ request: ClusterLifecycleRequest, by actor: Identity) async throws(DomainError) -> Cluster
}

extension SQLiteClusterPoolStore: ClusterStore {}
