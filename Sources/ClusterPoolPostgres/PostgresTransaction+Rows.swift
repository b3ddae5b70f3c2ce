public import ClusterPoolDomain
public import ClusterPoolStore
internal import PostgresNIO

/// A ``PostgresTransaction``'s rows: read ahead for the batch, read through its row cache (its
/// own written rows included), derived reads laid over with its written rows, and writes kept
/// in its ``PostgresWriteBuffer`` until the commit.
extension PostgresTransaction {
  /// Reads the pool, cluster and queue rows of `keys` not read yet, one query per table, the
  /// pools' with the revision counter (every batch that writes reads it), in the
  /// organizations' locks.
  public func prefetch(_ keys: RowKeys) async throws {
    let pools = keys.pools.filter { cache.pools[$0] == nil }
    if !pools.isEmpty {
      let read = try await database("read \(pools.count) pools") {
        try await PostgresRowPrefetch.poolsAndRevision(connection, pools.map { ($0.organization, $0.name) }, logger: logger)
      }
      for key in pools { cache.pools[key] = .some(nil) }
      for row in read.pools { cache.pools[row.key] = .some(row) }
      if revision == nil { revision = read.revision }
    }
    let clusters = keys.clusters.filter { cache.clusters[$0] == nil }
    if !clusters.isEmpty {
      let rows = try await database("read \(clusters.count) clusters") {
        try await PostgresRowPrefetch.rows(connection, PostgresClusterRows.columns, "clusters", clusters.map { ($0.organization, $0.name) },
          logger: logger, PostgresClusterRows.cluster)
      }
      for key in clusters { cache.clusters[key] = .some(nil) }
      for row in rows { cache.clusters[row.key] = .some(row) }
    }
    let queues = keys.queues.filter { cache.queues[$0] == nil }
    if !queues.isEmpty {
      let rows = try await database("read \(queues.count) queues") {
        try await PostgresRowPrefetch.rows(connection, PostgresQueueRows.columns, "queues", queues.map { ($0.organization, $0.name) },
          logger: logger, PostgresQueueRows.queue)
      }
      for key in queues { cache.queues[key] = .some(nil) }
      for row in rows { cache.queues[row.key] = .some(row) }
    }
  }

  public func pool(_ key: PoolKey) async throws -> ClusterPool? {
    if let cached = cache.pools[key] { return cached }
    let row = try await database("read pool \(key)") { try await PostgresPoolRows.select(connection, key, logger: logger) }
    cache.pools[key] = .some(row)
    return row
  }

  public func poolReferences(_ key: PoolKey) async throws -> PoolReferences {
    let stored = try await database("read the references of pool \(key)") {
      try await PostgresPoolRows.references(connection, key, logger: logger)
    }
    return written.references(key, stored: stored)
  }

  public func cluster(_ key: ClusterKey) async throws -> Cluster? {
    if let cached = cache.clusters[key] { return cached }
    let row = try await database("read cluster \(key)") { try await PostgresClusterRows.select(connection, key, logger: logger) }
    cache.clusters[key] = .some(row)
    return row
  }

  public func queue(_ key: QueueKey) async throws -> Queue? {
    if let cached = cache.queues[key] { return cached }
    let row = try await database("read queue \(key)") { try await PostgresQueueRows.select(connection, key, logger: logger) }
    cache.queues[key] = .some(row)
    return row
  }

  public func queuesPinning(_ key: ClusterKey) async throws -> [ResourceName] {
    let stored = try await database("read the queues pinning \(key)") {
      try await PostgresQueueRows.pinning(connection, key, logger: logger)
    }
    return written.pinning(key, stored: stored)
  }

  public func upsert(_ pool: ClusterPool) async throws {
    var stored = pool
    stored.memberClusters = []
    recordUndo(.pool(pool.key, written: written.pools[pool.key], cached: cache.pools[pool.key]))
    written.pools[pool.key] = stored
    cache.pools[pool.key] = .some(stored)
  }

  public func upsert(_ cluster: Cluster) async throws {
    recordUndo(.cluster(cluster.key, written: written.clusters[cluster.key], cached: cache.clusters[cluster.key]))
    written.clusters[cluster.key] = cluster
    cache.clusters[cluster.key] = .some(cluster)
  }

  public func upsert(_ queue: Queue) async throws {
    recordUndo(.queue(queue.key, written: written.queues[queue.key], cached: cache.queues[queue.key]))
    written.queues[queue.key] = .some(queue)
    cache.queues[queue.key] = .some(queue)
  }

  public func deleteQueue(_ key: QueueKey) async throws {
    recordUndo(.queue(key, written: written.queues[key], cached: cache.queues[key]))
    written.queues[key] = .some(nil)
    cache.queues[key] = .some(nil)
  }

  public func saveHealth(_ record: ClusterHealthRecord) async throws {
    recordUndo(.health(record.key, written: written.health[record.key]))
    written.health[record.key] = .some(record)
  }

  public func deleteHealth(_ key: ClusterKey) async throws {
    recordUndo(.health(key, written: written.health[key]))
    written.health[key] = .some(nil)
  }
}
