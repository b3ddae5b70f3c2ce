internal import ClusterPoolDomain

/// The queue writes, inside the batch transaction: each reads what its rule needs (the queue
/// row, the cluster of the same name, the pool and its live members), applies
/// ``QueueRules`` / ``QueueLifecycle``, and stores the queue. An organization's `default`
/// queue (and `default` pool) is written the first time it changes.
enum QueueWrites {
  /// CreateQueue; returns the queue and the pools to publish.
  static func create(
    _ key: QueueKey, _ spec: QueueSpec, state: QueueState, by actor: Identity, in tx: inout StoreTransaction
  ) throws -> (Queue, [ClusterPool]) {
    var pools: [ClusterPool] = []
    if let pool = try PoolWrites.materializeDefault(key.organization, in: &tx) { pools.append(pool) }
    let existing = try QueueRows.select(tx.connection, key)
    let occupant: QueueRules.Occupant
    if let cluster = try ClusterRows.select(tx.connection, key.clusterKey), cluster.isLive {
      occupant = .liveCluster(pool: cluster.poolName)
    } else if let existing, existing.isLive {
      occupant = .liveQueue
    } else if let existing, !existing.lifecycle.clusterManaged {
      occupant = .deletedQueue
    } else {
      occupant = .none
    }
    let (pool, members) = try poolAndMembers(PoolKey(organization: key.organization, name: spec.poolName), tx)
    try QueueRules.checkCreate(key, spec, occupant: occupant, pool: pool, liveMembers: members)
    // A freed name's old row is replaced; its generation carries on, so a guard read from
    // the old queue never matches the new one.
    let lifecycle = QueueLifecycle(state: state, generation: existing.map { $0.lifecycle.generation + 1 } ?? 1)
    let queue = Queue(
      key: key, spec: spec, lifecycle: lifecycle, createdAt: tx.now, updatedAt: tx.now, createdBy: actor, updatedBy: actor)
    try QueueRows.upsert(tx.connection, queue)
    return (queue, pools)
  }

  /// UpdateQueue: replaces the spec of a live queue of its own.
  static func update(_ key: QueueKey, _ spec: QueueSpec, by actor: Identity, in tx: inout StoreTransaction) throws -> (
    Queue, [ClusterPool]
  ) {
    var (queue, pools) = try stored(key, in: &tx)
    let (pool, members) = try poolAndMembers(PoolKey(organization: key.organization, name: spec.poolName), tx)
    try QueueRules.checkUpdate(queue, to: spec, pool: pool, liveMembers: members)
    guard spec != queue.spec else { return (queue, pools) }
    queue.spec = spec
    queue.updatedAt = tx.now
    queue.updatedBy = actor
    try QueueRows.upsert(tx.connection, queue)
    return (queue, pools)
  }

  /// UpdateQueueState, DeleteQueue, UndeleteQueue: applies `request` to the queue's lifecycle.
  static func change(
    _ key: QueueKey, _ request: QueueLifecycleRequest, by actor: Identity, in tx: inout StoreTransaction
  ) throws -> (Queue, [ClusterPool]) {
    var (queue, pools) = try stored(key, in: &tx)
    let next = try queue.lifecycle.applying(request, name: key.name)
    if request == .undelete {
      let (pool, members) = try poolAndMembers(queue.poolKey, tx)
      try QueueRules.checkRestore(queue, pool: pool, liveMembers: members)
    }
    guard next != queue.lifecycle else { return (queue, pools) }
    queue.lifecycle = next
    queue.updatedAt = tx.now
    queue.updatedBy = actor
    queue.deletedAt = next.isLive ? nil : tx.now
    try QueueRows.upsert(tx.connection, queue)
    return (queue, pools)
  }

  /// Before a cluster is deleted: no live queue may pin it (it would route nowhere).
  static func checkUnpinned(_ key: ClusterKey, in tx: StoreTransaction) throws {
    if let rejection = QueueRules.pinnedClusterDelete(key.name, pinnedBy: try QueueRows.pinning(tx.connection, key)) {
      throw rejection
    }
  }

  /// The stored queue of `key` (an implicit one with its flag set, so that its lifecycle
  /// refuses changes of its own); the organization's `default` queue is written first when
  /// it never was. `NOT_FOUND` when there is none.
  static func stored(_ key: QueueKey, in tx: inout StoreTransaction) throws -> (Queue, [ClusterPool]) {
    if let queue = try QueueRows.select(tx.connection, key) { return (queue, []) }
    guard key.name.isDefault else {
      throw DomainError(
        .notFound, "queue \"\(key.name)\" does not exist in organization \"\(key.organization)\": list queues with flyte get queue")
    }
    var pools: [ClusterPool] = []
    if let pool = try PoolWrites.materializeDefault(key.organization, in: &tx) { pools.append(pool) }
    guard let pool = try PoolRows.select(tx.connection, PoolKey(organization: key.organization, name: .defaultName)) else {
      throw DomainError(.internalError, "the default pool of \(key.organization) vanished inside a transaction")
    }
    let queue = Queue.defaultQueue(of: pool)
    try QueueRows.upsert(tx.connection, queue)
    return (queue, pools)
  }

  /// The stored pool of `key` (nil when none) and its live members.
  static func poolAndMembers(_ key: PoolKey, _ tx: StoreTransaction) throws -> (ClusterPool?, [ResourceName]) {
    guard let pool = try PoolRows.select(tx.connection, key) else { return (nil, []) }
    return (pool, pool.isDeleted ? [] : try PoolRows.references(tx.connection, key).liveClusters)
  }
}
