internal import ClusterPoolDomain

/// The queue writes: each reads what its rule needs (the queue row, the cluster of the same
/// name, the pool and its live members), applies ``QueueRules`` / ``QueueLifecycle``, and
/// stores the queue. An organization's `default` queue (and `default` pool) is written the
/// first time it changes.
enum QueueWrites {
  /// CreateQueue; returns the stored queue.
  static func create(_ key: QueueKey, _ spec: QueueSpec, state: QueueState, by actor: Identity, in tx: StoreTransaction)
    async throws -> Queue
  {
    try await PoolWrites.materializeDefault(key.organization, in: tx)
    let existing = try await tx.queue(key)
    let occupant: QueueRules.Occupant
    if let cluster = try await tx.cluster(key.clusterKey), cluster.isLive {
      occupant = .liveCluster(pool: cluster.poolName)
    } else if let existing, existing.isLive {
      occupant = .liveQueue
    } else if let existing, !existing.lifecycle.clusterManaged {
      occupant = .deletedQueue
    } else {
      occupant = .none
    }
    let (pool, members) = try await poolAndMembers(PoolKey(organization: key.organization, name: spec.poolName), tx)
    try QueueRules.checkCreate(key, spec, occupant: occupant, pool: pool, liveMembers: members)
    // A freed name's old row is replaced; its generation carries on, so a guard read from
    // the old queue never matches the new one.
    let lifecycle = QueueLifecycle(state: state, generation: existing.map { $0.lifecycle.generation + 1 } ?? 1)
    let queue = Queue(
      key: key, spec: spec, lifecycle: lifecycle, createdAt: tx.now, updatedAt: tx.now, createdBy: actor, updatedBy: actor)
    try await tx.write(queue)
    return queue
  }

  /// UpdateQueue: replaces the spec of a live queue of its own.
  static func update(_ key: QueueKey, _ spec: QueueSpec, by actor: Identity, in tx: StoreTransaction) async throws -> Queue {
    var queue = try await stored(key, in: tx)
    let (pool, members) = try await poolAndMembers(PoolKey(organization: key.organization, name: spec.poolName), tx)
    try QueueRules.checkUpdate(queue, to: spec, pool: pool, liveMembers: members)
    guard spec != queue.spec else { return queue }
    queue.spec = spec
    queue.updatedAt = tx.now
    queue.updatedBy = actor
    try await tx.write(queue)
    return queue
  }

  /// UpdateQueueState, DeleteQueue, UndeleteQueue: applies `request` to the queue's lifecycle.
  static func change(_ key: QueueKey, _ request: QueueLifecycleRequest, by actor: Identity, in tx: StoreTransaction)
    async throws -> Queue
  {
    var queue = try await stored(key, in: tx)
    let next = try queue.lifecycle.applying(request, name: key.name)
    if request == .undelete {
      let (pool, members) = try await poolAndMembers(queue.poolKey, tx)
      try QueueRules.checkRestore(queue, pool: pool, liveMembers: members)
    }
    guard next != queue.lifecycle else { return queue }
    queue.lifecycle = next
    queue.updatedAt = tx.now
    queue.updatedBy = actor
    queue.deletedAt = next.isLive ? nil : tx.now
    try await tx.write(queue)
    return queue
  }

  /// Before a cluster is deleted: no live queue may pin it (it would route nowhere).
  static func checkUnpinned(_ key: ClusterKey, in tx: StoreTransaction) async throws {
    if let rejection = QueueRules.pinnedClusterDelete(key.name, pinnedBy: try await tx.queuesPinning(key)) {
      throw rejection
    }
  }

  /// The stored queue of `key` (an implicit one with its flag set, so that its lifecycle
  /// refuses changes of its own); the organization's `default` queue is written first when
  /// it never was. `NOT_FOUND` when there is none.
  static func stored(_ key: QueueKey, in tx: StoreTransaction) async throws -> Queue {
    if let queue = try await tx.queue(key) { return queue }
    guard key.name.isDefault else {
      throw DomainError(
        .notFound, "queue \"\(key.name)\" does not exist in organization \"\(key.organization)\": list queues with flyte get queue")
    }
    try await PoolWrites.materializeDefault(key.organization, in: tx)
    guard let pool = try await tx.pool(PoolKey(organization: key.organization, name: .defaultName)) else {
      throw DomainError(.internalError, "the default pool of \(key.organization) vanished inside a transaction")
    }
    let queue = Queue.defaultQueue(of: pool)
    try await tx.write(queue)
    return queue
  }

  /// The stored pool of `key` (nil when none) and its live members.
  static func poolAndMembers(_ key: PoolKey, _ tx: StoreTransaction) async throws -> (ClusterPool?, [ResourceName]) {
    guard let pool = try await tx.pool(key) else { return (nil, []) }
    return (pool, pool.isDeleted ? [] : try await tx.references(key).liveClusters)
  }
}
