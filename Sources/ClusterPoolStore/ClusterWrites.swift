internal import ClusterPoolDomain

/// The cluster writes, inside the batch transaction: registration and lifecycle changes,
/// each storing the cluster with its implicit queue and re-deriving its pool's membership
/// (a new pool revision, so cached encodings of the pool are rebuilt).
enum ClusterWrites {
  /// Registers `key` into the pool `poolName`; returns the cluster and the pools to publish.
  static func register(
    _ key: ClusterKey, into poolName: ResourceName, by actor: Identity, in tx: inout StoreTransaction
  ) throws -> (Cluster, [ClusterPool]) {
    var pools: [ClusterPool] = []
    if let pool = try PoolWrites.materializeDefault(key.organization, in: &tx) { pools.append(pool) }
    let poolKey = PoolKey(organization: key.organization, name: poolName)
    let pool = try PoolRows.select(tx.connection, poolKey)
    let occupant: ClusterRegistration.Occupant
    let existing = try ClusterRows.select(tx.connection, key)
    if let existing, existing.isLive {
      occupant = .cluster(pool: existing.poolName)
    } else if let queue = try ClusterRows.standaloneQueue(tx.connection, key) {
      occupant = queue
    } else {
      occupant = .none
    }
    try ClusterRegistration.check(key.name, into: poolKey, pool: pool, occupant: occupant)
    // A deleted cluster of this name is replaced (no longer undeletable); its generation
    // carries on, so a guard read from the old registration never matches the new one.
    let lifecycle = ClusterLifecycle(generation: existing.map { $0.lifecycle.generation + 1 } ?? 1)
    let cluster = Cluster(
      key: key, poolName: poolName, lifecycle: lifecycle, createdAt: tx.now, updatedAt: tx.now, createdBy: actor, updatedBy: actor)
    if existing != nil {
      try ClusterRows.dropDeletedImplicitQueue(tx.connection, key)
      try ClusterHealthRows.delete(tx.connection, key)
    }
    try ClusterRows.upsert(tx.connection, cluster)
    pools.append(try refreshMembership(poolKey, key.name, joined: true, in: &tx))
    return (cluster, pools)
  }

  /// Applies `request` to the stored cluster `key`; returns the cluster and the pools whose
  /// membership changed.
  static func change(
    _ key: ClusterKey, _ request: ClusterLifecycleRequest, by actor: Identity, in tx: inout StoreTransaction
  ) throws -> (Cluster, [ClusterPool]) {
    guard var cluster = try ClusterRows.select(tx.connection, key) else {
      throw DomainError(
        .notFound, "cluster \"\(key.name)\" does not exist in organization \"\(key.organization)\": list clusters with flyte get cluster")
    }
    let wasLive = cluster.isLive
    let next = try cluster.lifecycle.applying(request, name: key.name)
    if request == .undelete {
      try ClusterRegistration.checkUndelete(
        key.name, into: cluster.poolKey, pool: try PoolRows.select(tx.connection, cluster.poolKey),
        queueHoldsName: try ClusterRows.standaloneQueue(tx.connection, key) != nil)
    }
    guard next != cluster.lifecycle else { return (cluster, []) }
    cluster.lifecycle = next
    cluster.updatedAt = tx.now
    switch request {
    case .report, .silentPastTimeout: break  // the data plane's doing (or its silence), not a caller's
    case .drain, .activate, .delete, .undelete: cluster.updatedBy = actor
    }
    cluster.deletedAt = next.isLive ? nil : tx.now
    try ClusterRows.upsert(tx.connection, cluster)
    guard wasLive != cluster.isLive else { return (cluster, []) }
    if !cluster.isLive { try ClusterHealthRows.delete(tx.connection, key) }
    return (cluster, [try refreshMembership(cluster.poolKey, key.name, joined: cluster.isLive, in: &tx)])
  }

  /// The stored pool after `name` joined (or left) its live members, with a new revision.
  /// The members are read once per batch (``StoreTransaction/members``), then kept current.
  static func refreshMembership(
    _ key: PoolKey, _ name: ResourceName, joined: Bool, in tx: inout StoreTransaction
  ) throws -> ClusterPool {
    guard var pool = try PoolRows.select(tx.connection, key) else {
      throw DomainError(.internalError, "cluster pool \(key) vanished inside a transaction")
    }
    var members: [ResourceName]
    if let known = tx.members[key] {
      members = known
      let at = members.partitioningIndex { $0 >= name }
      let present = at < members.count && members[at] == name
      if joined && !present { members.insert(name, at: at) }
      if !joined && present { members.remove(at: at) }
    } else {
      members = try PoolRows.references(tx.connection, key).liveClusters.sorted()  // already holds this write
    }
    tx.members[key] = members
    pool.memberClusters = pool.isDeleted ? [] : members
    pool.revision = tx.nextRevision()
    try PoolRows.upsert(tx.connection, pool)
    return pool
  }
}

extension Array {
  /// The first index whose element satisfies `belongs` (which must hold for a suffix).
  fileprivate func partitioningIndex(where belongs: (Element) -> Bool) -> Int {
    var low = 0
    var high = count
    while low < high {
      let mid = (low + high) / 2
      if belongs(self[mid]) { high = mid } else { low = mid + 1 }
    }
    return low
  }
}
