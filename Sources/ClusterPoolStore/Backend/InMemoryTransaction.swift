public import ClusterPoolDomain

/// A transaction of an ``InMemoryBackend``: changes its rows in place, keeping for each
/// change how to undo it, per write and for the whole transaction.
public final class InMemoryTransaction: RowTransaction {
  private typealias Undo = @Sendable (inout InMemoryRows) -> Void
  private let backend: InMemoryBackend
  /// Undoes the changes of the current write (or of changes made outside a write), newest last.
  private var writeUndo: [Undo] = []
  /// Undoes the changes of the writes kept so far, newest last.
  private var keptUndo: [Undo] = []
  private var ended = false

  init(backend: InMemoryBackend) { self.backend = backend }

  /// Applies `change` to the rows; records the undo it returns.
  private func change<Result>(_ change: (inout InMemoryRows) -> (Result, Undo)) -> Result {
    precondition(!ended, "a transaction of the in-memory store was used after it ended")
    let (result, undo) = backend.rows.withLock { change(&$0) }
    writeUndo.append(undo)
    return result
  }

  private func read<Result>(_ body: (InMemoryRows) -> Result) -> Result {
    precondition(!ended, "a transaction of the in-memory store was used after it ended")
    return backend.rows.withLock { body($0) }
  }

  private func undo(_ undos: [Undo]) {
    backend.rows.withLock { rows in for undo in undos.reversed() { undo(&rows) } }
  }

  public func lock(_ organizations: [Organization]) async throws {}

  public func beginWrite() async throws {
    keptUndo += writeUndo
    writeUndo = []
  }

  public func endWrite(keeping: Bool) async throws {
    if !keeping { undo(writeUndo) } else { keptUndo += writeUndo }
    writeUndo = []
  }

  @discardableResult
  public func commit(_ changes: ChangeSet) async throws -> UInt64 {
    precondition(!ended, "a transaction of the in-memory store was used after it ended")
    ended = true
    writeUndo = []
    keptUndo = []
    return changes.revision
  }

  public func rollback() async {
    guard !ended else { return }
    ended = true
    undo(keptUndo + writeUndo)
    writeUndo = []
    keptUndo = []
  }

  /// Rows are checked as they are written: a dry run just rolls back.
  public func rehearse(_ changes: ChangeSet) async throws { await rollback() }

  public func nextRevision() async throws -> UInt64 {
    change { rows in
      rows.revision += 1
      return (rows.revision, { $0.revision -= 1 })
    }
  }

  public func pool(_ key: PoolKey) async throws -> ClusterPool? { read { $0.pools[key] } }

  public func poolReferences(_ key: PoolKey) async throws -> PoolReferences {
    read { rows in
      PoolReferences(
        liveClusters: rows.clusters.values.filter { $0.isLive && $0.poolKey == key }.map(\.key.name),
        liveQueues: rows.queues.values.filter { $0.isLive && $0.poolKey == key }.map(\.key.name))
    }
  }

  public func cluster(_ key: ClusterKey) async throws -> Cluster? { read { $0.clusters[key] } }

  public func queue(_ key: QueueKey) async throws -> Queue? { read { $0.queues[key] } }

  public func queuesPinning(_ key: ClusterKey) async throws -> [ResourceName] {
    read { rows in
      rows.queues.values.filter {
        $0.key.organization == key.organization && !$0.lifecycle.clusterManaged && $0.isLive && $0.spec.clusters.contains(key.name)
      }.map(\.key.name).sorted()
    }
  }

  public func accessRow(_ key: AccessKey) async throws -> AccessRow? { read { $0.access[key] } }

  public func accessRows(_ kind: AccessKind, in organization: Organization) async throws -> [AccessRow] {
    read { rows in rows.access.values.filter { $0.key.kind == kind && $0.key.organization == organization } }
  }

  public func upsert(_ row: AccessRow) async throws {
    change { rows in
      let old = rows.access.updateValue(row, forKey: row.key)
      return ((), { $0.access[row.key] = old })
    }
  }

  public func deleteAccessRow(_ key: AccessKey) async throws {
    change { rows in
      let old = rows.access.removeValue(forKey: key)
      return ((), { $0.access[key] = old })
    }
  }

  public func upsert(_ pool: ClusterPool) async throws {
    var row = pool
    row.memberClusters = []
    let pool = row
    change { rows in
      let old = rows.pools.updateValue(pool, forKey: pool.key)
      return ((), { $0.pools[pool.key] = old })
    }
  }

  public func upsert(_ cluster: Cluster) async throws {
    change { rows in
      let old = rows.clusters.updateValue(cluster, forKey: cluster.key)
      return ((), { $0.clusters[cluster.key] = old })
    }
  }

  public func upsert(_ queue: Queue) async throws {
    change { rows in
      let old = rows.queues.updateValue(queue, forKey: queue.key)
      return ((), { $0.queues[queue.key] = old })
    }
  }

  public func deleteQueue(_ key: QueueKey) async throws {
    change { rows in
      let old = rows.queues.removeValue(forKey: key)
      return ((), { $0.queues[key] = old })
    }
  }

  public func saveHealth(_ record: ClusterHealthRecord) async throws {
    change { rows in
      let old = rows.health.updateValue(record, forKey: record.key)
      return ((), { $0.health[record.key] = old })
    }
  }

  public func deleteHealth(_ key: ClusterKey) async throws {
    change { rows in
      let old = rows.health.removeValue(forKey: key)
      return ((), { $0.health[key] = old })
    }
  }

  public func auditHead(_ organization: Organization) async throws -> AuditChainHead {
    try await backend.auditHead(organization)
  }

  public func append(_ record: AuditRecord) async throws {
    change { rows in
      rows.audit[record.organization, default: []].append(record)
      return ((), { $0.audit[record.organization]?.removeLast() })
    }
  }
}
