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

  /// One page of ListClusters in `organization` (from its cluster names in order, not a
  /// walk of every cluster). Never blocks on I/O.
  func clusterPage(_ organization: Organization, _ query: ClusterListQuery) -> (clusters: [Cluster], nextToken: String)

  /// Changes whenever a pool, cluster or queue of `organization` does (unique in the
  /// process): what a reply derived from them is kept with. Never blocks on I/O.
  func version(of organization: Organization) -> UInt64

  /// The clusters of every organization in `state`, in no particular order (e.g. the DELETING
  /// ones, whose silence the server watches from its start). Never blocks on I/O.
  func clusters(state: ClusterState) -> [Cluster]

  /// CreateCluster: registers `key` into `poolName` with its implicit queue.
  func registerCluster(_ key: ClusterKey, into poolName: ResourceName, by actor: Identity) async throws(DomainError) -> Cluster

  /// Applies a lifecycle request to the cluster `key`.
  func changeCluster(_ key: ClusterKey, _ request: ClusterLifecycleRequest, by actor: Identity) async throws(DomainError) -> Cluster

  /// Applies a lifecycle request to the cluster `key`, then in the same write the request
  /// `followUp` chooses for the cluster as changed (none when it returns nil), e.g. a delete
  /// and the silence past the timeout that ends it, dry run as one write.
  func changeCluster(
    _ key: ClusterKey, _ request: ClusterLifecycleRequest, then followUp: @escaping @Sendable (Cluster) -> ClusterLifecycleRequest?,
    by actor: Identity
  ) async throws(DomainError) -> Cluster

  /// Health saved before the last shutdown, of live clusters (their current registration).
  func savedHealth() -> [ClusterHealthRecord]

  /// Saves the latest health of clusters in one transaction (soft state: called on an
  /// interval and at shutdown, never per report).
  func saveHealth(_ records: [ClusterHealthRecord]) async throws(DomainError)

  /// Calls `observer` after every commit that wrote pools, with those pools (reads already
  /// see them), e.g. to re-check data-plane drift when a pool's config changes.
  func observePools(_ observer: @escaping @Sendable ([ClusterPool]) -> Void)

  /// Calls `observer` after every commit applied that wrote clusters, whichever server made
  /// it, with each cluster before and after (reads already see it), e.g. to tell watchers.
  func observeClusters(_ observer: @escaping @Sendable ([ClusterChange]) -> Void)

  /// Calls `observer` after every commit applied that wrote identity and access rows (apps,
  /// users, roles, policies, assignments), whichever server made it, with their organizations
  /// (`nil`: any organization, after a reload of every row); reads already see them. E.g. to
  /// re-authorize the callers of open streams.
  func observeAccess(_ observer: @escaping @Sendable (Set<Organization>?) -> Void)
}

