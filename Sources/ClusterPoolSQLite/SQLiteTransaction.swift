public import ClusterPoolDomain
public import ClusterPoolStore

/// A transaction of the ``SQLiteBackend``, begun with `BEGIN IMMEDIATE` on the writer thread:
/// each write is a savepoint; revisions count on from the backend's last committed one.
public final class SQLiteTransaction: RowTransaction {
  private let backend: SQLiteBackend
  private var connection: SQLiteConnection { backend.connection }
  private var revision: UInt64
  /// ``revision`` when the current write began.
  private var savedRevision: UInt64

  init(backend: SQLiteBackend) {
    self.backend = backend
    revision = backend.revision
    savedRevision = revision
  }

  /// One server writes the file (``DatabaseLock``), one transaction at a time: nothing to lock.
  public func lock(_ organizations: [Organization]) async throws {}

  public func beginWrite() async throws {
    try connection.executeScript("SAVEPOINT write")
    savedRevision = revision
  }

  public func endWrite(keeping: Bool) async throws {
    if !keeping {
      revision = savedRevision
      try connection.executeScript("ROLLBACK TO write")
    }
    try connection.executeScript("RELEASE write")
  }

  @discardableResult
  public func commit(_ changes: ChangeSet) async throws -> UInt64 {
    if changes.revision > backend.revision { try SQLiteSchema.saveRevision(connection, changes.revision) }
    do {
      try connection.executeScript("COMMIT")
    } catch {
      try? connection.executeScript("ROLLBACK")
      throw error
    }
    backend.revision = max(backend.revision, changes.revision, revision)
    return changes.revision
  }

  public func rollback() async { try? connection.executeScript("ROLLBACK") }

  /// SQLite checks each row as it is written (constraints, the disk): a dry run rolls back,
  /// the revision counter unchanged (kept by the backend, raised only by ``commit(_:)``).
  public func rehearse(_ changes: ChangeSet) async throws { await rollback() }

  public func nextRevision() async throws -> UInt64 {
    revision += 1
    return revision
  }

  public func pool(_ key: PoolKey) async throws -> ClusterPool? { try PoolRows.select(connection, key) }
  public func poolReferences(_ key: PoolKey) async throws -> PoolReferences { try PoolRows.references(connection, key) }
  public func cluster(_ key: ClusterKey) async throws -> Cluster? { try ClusterRows.select(connection, key) }
  public func queue(_ key: QueueKey) async throws -> Queue? { try QueueRows.select(connection, key) }
  public func queuesPinning(_ key: ClusterKey) async throws -> [ResourceName] { try QueueRows.pinning(connection, key) }

  public func accessRow(_ key: AccessKey) async throws -> AccessRow? { try AccessRows.select(connection, key) }
  public func accessRows(_ kind: AccessKind, in organization: Organization) async throws -> [AccessRow] {
    try AccessRows.all(connection, kind, organization)
  }

  public func upsert(_ pool: ClusterPool) async throws { try PoolRows.upsert(connection, pool) }
  public func upsert(_ cluster: Cluster) async throws { try ClusterRows.upsert(connection, cluster) }
  public func upsert(_ queue: Queue) async throws { try QueueRows.upsert(connection, queue) }
  public func deleteQueue(_ key: QueueKey) async throws { try QueueRows.delete(connection, key) }
  public func saveHealth(_ record: ClusterHealthRecord) async throws { try ClusterHealthRows.save(connection, record) }
  public func deleteHealth(_ key: ClusterKey) async throws { try ClusterHealthRows.delete(connection, key) }
  public func upsert(_ row: AccessRow) async throws { try AccessRows.upsert(connection, row) }
  public func deleteAccessRow(_ key: AccessKey) async throws { try AccessRows.delete(connection, key) }
  public func auditHead(_ organization: Organization) async throws -> AuditChainHead { try AuditRows.head(connection, organization) }
  public func append(_ record: AuditRecord) async throws { try AuditRows.insert(connection, record) }
}
