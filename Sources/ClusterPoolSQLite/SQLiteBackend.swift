public import ClusterPoolDomain
public import ClusterPoolStore
internal import Synchronization

/// The embedded backend: one SQLite file (WAL, `synchronous=FULL`), held by this process
/// alone (``DatabaseLock`` on `FILE.lock`), written by one connection on a dedicated thread
/// (``WriterThread``, the backend's executor). A batch of writes is one `BEGIN IMMEDIATE`
/// transaction with a savepoint per write.
public final class SQLiteBackend: StorageBackend, @unchecked Sendable {
  /// The database file's path, as given.
  public let path: String
  public let maxBatch: Int
  /// This process's exclusive right to the file, held until ``close()``.
  let lock: DatabaseLock
  let writer: WriterThread
  /// The connection; touched only on the writer thread (and in `init` and ``loadRows()``,
  /// before any transaction).
  let connection: SQLiteConnection
  /// The last revision committed; writer thread only.
  var revision: UInt64 = 0
  /// The audit log's reader (``SQLiteAuditLog``), opened at first use.
  private let auditReader = Mutex<SQLiteAuditLog?>(nil)

  /// Opens (creating and migrating as needed) the database at `path`; throws
  /// ``StoreOpenError`` when the file cannot be used, or when another process has it open
  /// (`PATH.lock`, taken before anything is read or written, held until ``close()``).
  public init(path: String, maxBatch: Int = 64) throws(StoreOpenError) {
    let lock = try DatabaseLock(databasePath: path)
    do {
      connection = try SQLiteConnection(path: path)
      try SQLiteSchema.configure(connection)
      try SQLiteSchema.migrate(connection)
    } catch {
      lock.release()
      throw Self.openError(path, error)
    }
    self.path = path
    self.lock = lock
    self.maxBatch = maxBatch
    writer = WriterThread(name: "sqlite-writer")
  }

  public var description: String { "the pool database \(path)" }
  public var executor: (any TaskExecutor)? { writer }

  public func loadAll() async throws -> StoredRows { try loadRows() }

  /// Every row of the file; called once, before any transaction. Throws ``StoreOpenError``
  /// (and releases the file) when a row cannot be read.
  public func loadRows() throws(StoreOpenError) -> StoredRows {
    do {
      let pools = try PoolRows.all(connection)
      revision = max(try SQLiteSchema.revision(connection), pools.map(\.revision).max() ?? 0)
      let rows = StoredRows(
        createdAt: try SQLiteSchema.createdAt(connection), revision: revision, pools: pools,
        clusters: try ClusterRows.all(connection), queues: try QueueRows.all(connection),
        health: try ClusterHealthRows.all(connection), access: try AccessRows.all(connection))
      connection.releaseMemory()  // the whole file went through the cache: writes need little of it
      return rows
    } catch {
      release()
      throw Self.openError(path, error)
    }
  }

  public func begin() async throws -> SQLiteTransaction {
    assert(writer.isCurrent, "a transaction of \(description) began off its writer thread")
    try connection.executeScript("BEGIN IMMEDIATE")
    return SQLiteTransaction(backend: self)
  }

  /// What a caller is told when SQLite failed under a write: RESOURCE_EXHAUSTED naming the
  /// database when its file system is full, else UNAVAILABLE (both say nothing was written).
  public func failure(_ error: any Error, _ what: String) -> DomainError {
    if let error = error as? SQLiteError, error.isDiskFull {
      return DomainError(
        .resourceExhausted,
        "the file system of the database \(path) is full: nothing was written; free disk space there and retry")
    }
    return DomainError(.unavailable, "\(what): \(error); retry later")
  }

  public func close() async { release() }

  /// Closes the connection, releases the file's lock and ends the writer thread.
  private func release() {
    auditReader.withLock { $0 = nil }
    connection.close()
    lock.release()
    writer.stop()
  }

  private static func openError(_ path: String, _ error: any Error) -> StoreOpenError {
    let cause = (error as? StoreOpenError)?.description ?? "\(error)"
    return StoreOpenError("cannot open the pool database \(path): \(cause)")
  }
}

extension SQLiteBackend: AuditLogStorage {
  /// The audit log on a connection of its own (``SQLiteAuditLog``).
  func auditLog() throws -> SQLiteAuditLog {
    try auditReader.withLock { reader in
      if let reader { return reader }
      let opened = try SQLiteAuditLog(path: path)
      reader = opened
      return opened
    }
  }

  public func auditRecords(_ organization: Organization, after: UInt64, since: Timestamp?, limit: Int) async throws -> [AuditRecord] {
    try await auditLog().auditRecords(organization, after: after, since: since, limit: limit)
  }

  public func auditHead(_ organization: Organization) async throws -> AuditChainHead { try await auditLog().auditHead(organization) }

  public func auditOrganizations() async throws -> [Organization] { try await auditLog().auditOrganizations() }

  public func auditAnchor(_ organization: Organization) async throws -> AuditChainHead? {
    try await auditLog().auditAnchor(organization)
  }

  public func pruneAudit(before cutoff: Timestamp) async throws -> Int { try await auditLog().pruneAudit(before: cutoff) }
}
