internal import ClusterPoolDomain

/// The cluster writes: registration and lifecycle changes, each storing the cluster with its
/// implicit queue and re-deriving its pool's membership (a new pool revision, so cached
/// encodings of the pool are rebuilt).
enum ClusterWrites {
  /// Registers `key` into the pool `poolName`; returns the stored cluster.
  static func register(_ key: ClusterKey, into poolName: ResourceName, by actor: Identity, in tx: StoreTransaction) async throws
    -> Cluster
  {
    try await PoolWrites.materializeDefault(key.organization, in: tx)
    let poolKey = PoolKey(organization: key.organization, name: poolName)
    let pool = try await tx.pool(poolKey)
    let occupant: ClusterRegistration.Occupant
    let existing = try await tx.cluster(key)
    var queueRow: Queue?  // the queue row under the name, read once (unless a live cluster holds it)
    if let existing, existing.isLive {
      occupant = .cluster(pool: existing.poolName)
    } else if let queue = try await tx.queue(QueueKey(key)) {
      queueRow = queue
      occupant = queue.lifecycle.clusterManaged ? .none : queue.isLive ? .queue : .deletedQueue
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
      // the old registration's implicit queue and health go; the new one starts afresh
      if let queue = queueRow, queue.lifecycle.clusterManaged, !queue.isLive {
        try await tx.removeQueue(queue.key)
        queueRow = nil
      }
      try await tx.deleteHealth(key)
    }
    try await tx.write(cluster, queueRow: queueRow)
    try await refreshMembership(poolKey, key.name, joined: true, in: tx)
    return cluster
  }

  /// Applies `request` to the stored cluster `key`; returns the stored cluster.
  static func change(_ key: ClusterKey, _ request: ClusterLifecycleRequest, by actor: Identity, in tx: StoreTransaction)
    async throws -> Cluster
  {
    if case .delete = request { try await QueueWrites.checkUnpinned(key, in: tx) }
    guard var cluster = try await tx.cluster(key) else {
      throw DomainError(
        .notFound, "cluster \"\(key.name)\" does not exist in organization \"\(key.organization)\": list clusters with flyte get cluster")
    }
    let wasLive = cluster.isLive
    let next = try cluster.lifecycle.applying(request, name: key.name)
    if request == .undelete {
      let queue = try await tx.queue(QueueKey(key))
      try ClusterRegistration.checkUndelete(
        key.name, into: cluster.poolKey, pool: try await tx.pool(cluster.poolKey),
        queueHoldsName: queue.map { !$0.lifecycle.clusterManaged } ?? false)
    }
    guard next != cluster.lifecycle else { return cluster }
    cluster.lifecycle = next
    cluster.updatedAt = tx.now
    switch request {
    case .report, .silentPastTimeout: break  // the data plane's doing (or its silence), not a caller's
    case .drain, .activate, .delete, .undelete: cluster.updatedBy = actor
    }
    cluster.deletedAt = next.isLive ? nil : tx.now
    try await tx.write(cluster)
    guard wasLive != cluster.isLive else { return cluster }
    if !cluster.isLive { try await tx.deleteHealth(key) }
    try await refreshMembership(cluster.poolKey, key.name, joined: cluster.isLive, in: tx)
    return cluster
  }

  /// Stores the pool `key` after `name` joined (or left) its live members, with a new
  /// revision. The members are read once per batch (``StoreTransaction/members``), then kept
  /// current.
  static func refreshMembership(_ key: PoolKey, _ name: ResourceName, joined: Bool, in tx: StoreTransaction) async throws {
    guard var pool = try await tx.pool(key) else {
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
      members = try await tx.references(key).liveClusters.sorted()  // already holds this write
    }
    tx.members[key] = members
    pool.memberClusters = pool.isDeleted ? [] : members
    pool.revision = try await tx.nextRevision()
    try await tx.write(pool)
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
