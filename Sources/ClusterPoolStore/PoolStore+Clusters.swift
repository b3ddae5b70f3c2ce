public import ClusterPoolDomain

extension PoolStore: ClusterStore {
  /// The cluster of `key`, live or deleted; nil when there is none. Never blocks on I/O.
  public func cluster(_ key: ClusterKey) -> Cluster? {
    core.state.withLock { $0.cluster(key) }
  }

  /// The clusters of `organization` (live, or deleted ones too), sorted by name. Never
  /// blocks on I/O.
  public func clusters(in organization: Organization, includeDeleted: Bool = false) -> [Cluster] {
    core.state.withLock { $0.clusters(in: organization, includeDeleted: includeDeleted) }
  }

  /// One page of ListClusters in `organization`. Never blocks on I/O.
  public func clusterPage(_ organization: Organization, _ query: ClusterListQuery) -> (clusters: [Cluster], nextToken: String) {
    core.state.withLock { $0.clusterPage(organization, query) }
  }

  /// The version of `organization`'s pools, clusters and queues. Never blocks on I/O.
  public func version(of organization: Organization) -> UInt64 {
    core.state.withLock { $0.version(of: organization) }
  }

  /// The clusters of every organization in `state`, in no particular order. Never blocks on
  /// I/O.
  public func clusters(state: ClusterState) -> [Cluster] {
    core.state.withLock { $0.clusters(state: state) }
  }

  /// Registers `key` into `poolName` (CreateCluster) with its implicit queue, in one
  /// transaction with the pool's membership; returns the stored cluster once durable.
  public func registerCluster(_ key: ClusterKey, into poolName: ResourceName, by actor: Identity) async throws(DomainError) -> Cluster {
    let reads = RowKeys(
      pools: [PoolKey(organization: key.organization, name: .defaultName), PoolKey(organization: key.organization, name: poolName)],
      clusters: [key], queues: [QueueKey(key)])
    return try await perform(touching: [key.organization], reading: reads, auditing: .init(kind: "cluster", name: key.name.value)) { tx in try await ClusterWrites.register(key, into: poolName, by: actor, in: tx) }
  }

  /// Applies a lifecycle `request` (drain, activate, delete, undelete, a data-plane report)
  /// to the cluster `key`; returns the stored cluster once durable.
  public func changeCluster(_ key: ClusterKey, _ request: ClusterLifecycleRequest, by actor: Identity) async throws(DomainError) -> Cluster {
    try await perform(touching: [key.organization], reading: RowKeys(clusters: [key], queues: [QueueKey(key)]), auditing: .init(kind: "cluster", name: key.name.value)) { tx in try await ClusterWrites.change(key, request, by: actor, in: tx) }
  }

  public func changeCluster(
    _ key: ClusterKey, _ request: ClusterLifecycleRequest, then followUp: @escaping @Sendable (Cluster) -> ClusterLifecycleRequest?,
    by actor: Identity
  ) async throws(DomainError) -> Cluster {
    try await perform(touching: [key.organization], reading: RowKeys(clusters: [key], queues: [QueueKey(key)]), auditing: .init(kind: "cluster", name: key.name.value)) { tx in
      let changed = try await ClusterWrites.change(key, request, by: actor, in: tx)
      guard let next = followUp(changed) else { return changed }
      return try await ClusterWrites.change(key, next, by: actor, in: tx)
    }
  }

  /// Calls `observer` after every commit that wrote pools (a config change, or a membership
  /// change), with those pools as committed; reads already see them. It runs on the write
  /// loop and must not block.
  public func observePools(_ observer: @escaping @Sendable ([ClusterPool]) -> Void) {
    core.poolObservers.withLock { $0.append(observer) }
  }

  /// Calls `observer` after every commit applied that wrote clusters (this server's, or
  /// another's through ``apply(_:asOf:)``), with each cluster as it was before and as
  /// applied (reads already see it). It runs on the write loop or the follower and must not block.
  public func observeClusters(_ observer: @escaping @Sendable ([ClusterChange]) -> Void) {
    core.clusterObservers.withLock { $0.append(observer) }
  }

  /// Calls `observer` after every commit applied that wrote identity and access rows (this
  /// server's, or another's), with their organizations; `nil` after a reload of every row. It
  /// runs on the write loop or the follower and must not block.
  public func observeAccess(_ observer: @escaping @Sendable (Set<Organization>?) -> Void) {
    core.accessObservers.withLock { $0.append(observer) }
  }
}
