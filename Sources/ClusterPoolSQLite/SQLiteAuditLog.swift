public import ClusterPoolDomain
public import ClusterPoolStore
internal import Synchronization

/// The audit log of an SQLite file, read (and pruned) on a connection of its own, never on
/// the pool store's writer thread: WAL lets it read while the server writes. Opens a file a
/// running server holds too (`clusterpool-server audit verify`), without its lock.
public final class SQLiteAuditLog: AuditLogStorage {
  private let connection: Mutex<SQLiteConnection>
  public let path: String

  /// Opens `path`, which must hold the audit tables (a server of this version opened it).
  public init(path: String) throws {
    let connection = try SQLiteConnection(path: path)
    try SQLiteSchema.configure(connection)
    guard try connection.integer("SELECT count(*) FROM sqlite_master WHERE name = 'audit_records'") == 1 else {
      throw StoreOpenError("the database \(path) has no audit log (audit_records): start a server of this version on it once")
    }
    self.connection = Mutex(connection)
    self.path = path
  }

  public func auditRecords(_ organization: Organization, after: UInt64, since: Timestamp?, limit: Int) async throws -> [AuditRecord] {
    try connection.withLock { try AuditRows.records($0, organization, after: after, since: since, limit: limit) }
  }

  public func auditHead(_ organization: Organization) async throws -> AuditChainHead {
    try connection.withLock { try AuditRows.head($0, organization) }
  }

  public func auditOrganizations() async throws -> [Organization] { try connection.withLock { try AuditRows.organizations($0) } }

  public func auditAnchor(_ organization: Organization) async throws -> AuditChainHead? {
    try connection.withLock { try AuditRows.anchor($0, organization) }
  }

  public func pruneAudit(before cutoff: Timestamp) async throws -> Int {
    try connection.withLock { connection in
      try connection.executeScript("BEGIN IMMEDIATE")
      do {
        let removed = try AuditRows.prune(connection, before: cutoff)
        try connection.executeScript("COMMIT")
        connection.releaseMemory()  // an hourly scan of the log: not worth keeping its pages
        return removed
      } catch {
        try? connection.executeScript("ROLLBACK")
        throw error
      }
    }
  }

  /// Verifies every chain inside one read transaction, so that a prune or an append by a
  /// running server never shows it half done.
  public func verify() async throws -> (organizations: Int, records: Int) {
    try connection.withLock { try $0.executeScript("BEGIN") }
    do {
      let result = try await verifyAudit()
      try connection.withLock { try $0.executeScript("COMMIT") }
      return result
    } catch {
      try? connection.withLock { try $0.executeScript("ROLLBACK") }
      throw error
    }
  }
}
