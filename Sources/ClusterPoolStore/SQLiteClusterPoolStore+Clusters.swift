public import ClusterPoolDomain

extension SQLiteClusterPoolStore {
  /// The cluster of `key`, live or deleted; nil when there is none. Never blocks on I/O.
  public func cluster(_ key: ClusterKey) -> Cluster? {
    clusters.withLock { $0[key] }
  }

  /// The clusters of `organization` (live, or deleted ones too), sorted by name. Never
  /// blocks on I/O.
  public func clusters(in organization: Organization, includeDeleted: Bool = false) -> [Cluster] {
    clusters.withLock { table in
      table.values.filter { $0.key.organization == organization && (includeDeleted || $0.isLive) }
    }.sorted { $0.key.name < $1.key.name }
  }

  /// The clusters of every organization in `state`, in no particular order. Never blocks on
  /// I/O.
  public func clusters(state: ClusterState) -> [Cluster] {
    clusters.withLock { table in table.values.filter { $0.lifecycle.state == state } }
  }

  /// Registers `key` into `poolName` (CreateCluster) with its implicit queue, in one
  /// transaction with the pool's membership; returns the stored cluster once durable.
  public func registerCluster(_ key: ClusterKey, into poolName: ResourceName, by actor: Identity) async throws(DomainError) -> Cluster {
    try await perform { tx in try ClusterWrites.register(key, into: poolName, by: actor, in: &tx) }
  }

  /// Applies a lifecycle `request` (drain, activate, delete, undelete, a data-plane report)
  /// to the cluster `key`; returns the stored cluster once durable.
  public func changeCluster(_ key: ClusterKey, _ request: ClusterLifecycleRequest, by actor: Identity) async throws(DomainError) -> Cluster {
    try await perform { tx in
      if case .delete = request { try QueueWrites.checkUnpinned(key, in: tx) }
      return try ClusterWrites.change(key, request, by: actor, in: &tx)
    }
  }

  /// Runs `apply` as one write of a batch; publishes the cluster and pools it returns after
  /// the commit, then answers with the cluster.
  func perform(
    _ apply: @escaping @Sendable (inout StoreTransaction) throws -> (Cluster, [ClusterPool])
  ) async throws(DomainError) -> Cluster {
    let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Cluster, DomainError>, Never>) in
      let write = Write(
        apply: { tx in
          let (cluster, pools) = try apply(&tx)
          return Committed(pools: pools, reply: { continuation.resume(returning: .success(cluster)) }, clusters: [cluster])
        },
        fail: { continuation.resume(returning: .failure($0)) })
      if !enqueue(write) {
        continuation.resume(returning: .failure(DomainError(.unavailable, "the store is closed: the server is shutting down")))
      }
    }
    return try result.get()
  }
}
