public import ClusterPoolDomain

/// A transaction of an ``InMemoryBackend``: reads and writes a private copy of the rows.
public final class InMemoryTransaction: RowTransaction {
  private let backend: InMemoryBackend
  private var rows: InMemoryRows
  /// The rows when the current write began.
  private var savepoint: InMemoryRows?
  private var ended = false

  init(backend: InMemoryBackend, rows: InMemoryRows) {
    self.backend = backend
    self.rows = rows
  }

  public func lock(_ organization: Organization) async throws {}

  public func beginWrite() async throws { savepoint = rows }

  public func endWrite(keeping: Bool) async throws {
    if !keeping, let savepoint { rows = savepoint }
    savepoint = nil
  }

  public func commit(_ changes: ChangeSet) async throws {
    precondition(!ended, "a transaction of the in-memory store was used after it ended")
    ended = true
    backend.commit(rows)
  }

  public func rollback() async { ended = true }

  public func nextRevision() async throws -> UInt64 {
    rows.revision += 1
    return rows.revision
  }

  public func pool(_ key: PoolKey) async throws -> ClusterPool? { rows.pools[key] }

  public func poolReferences(_ key: PoolKey) async throws -> PoolReferences {
    PoolReferences(
      liveClusters: rows.clusters.values.filter { $0.isLive && $0.poolKey == key }.map(\.key.name),
      liveQueues: rows.queues.values.filter { $0.isLive && $0.poolKey == key }.map(\.key.name))
  }

  public func cluster(_ key: ClusterKey) async throws -> Cluster? { rows.clusters[key] }

  public func queue(_ key: QueueKey) async throws -> Queue? { rows.queues[key] }

  public func queuesPinning(_ key: ClusterKey) async throws -> [ResourceName] {
    rows.queues.values.filter {
      $0.key.organization == key.organization && !$0.lifecycle.clusterManaged && $0.isLive && $0.spec.clusters.contains(key.name)
    }.map(\.key.name).sorted()
  }

  public func upsert(_ pool: ClusterPool) async throws {
    var pool = pool
    pool.memberClusters = []
    rows.pools[pool.key] = pool
  }

  public func upsert(_ cluster: Cluster) async throws { rows.clusters[cluster.key] = cluster }

  public func upsert(_ queue: Queue) async throws { rows.queues[queue.key] = queue }

  public func deleteQueue(_ key: QueueKey) async throws { rows.queues[key] = nil }

  public func saveHealth(_ record: ClusterHealthRecord) async throws { rows.health[record.key] = record }

  public func deleteHealth(_ key: ClusterKey) async throws { rows.health[key] = nil }
}
