public import ClusterPoolDomain
public import ClusterPoolStore
public import Logging
internal import Foundation
internal import PostgresNIO
internal import Synchronization

/// The PostgreSQL backend: rows in a database that several servers may share, reached through
/// postgres-nio (``PostgresStoreClient``). Opening migrates the schema (once, under a lock);
/// a batch of writes is one transaction on a connection of its own, each write a savepoint,
/// each organization's writes serialized across servers by `pg_advisory_xact_lock`, and the
/// change log row written in the same transaction. A reply follows the commit.
///
/// With PostgreSQL unreachable a write fails within the client's lease timeout with
/// UNAVAILABLE naming `HOST:PORT/DATABASE` (never the password); reads go on from memory.
public final class PostgresBackend: StorageBackend {
  /// The database client; its URL's description masks the password.
  public let client: PostgresStoreClient
  public let maxBatch: Int
  let logger: Logger
  /// This server's name in the change log (`replica`): unique per opened backend.
  public let replica = UUID().uuidString
  /// The revision of the last ``loadAll()`` (where a follower starts).
  let loadedRevision = Mutex<UInt64>(0)

  /// Migrating the schema, started at init; loads and transactions wait for it.
  private let migration: Task<Void, any Error>

  /// Connects to `url`'s database and migrates it; throws ``StoreOpenError`` naming the
  /// database when it cannot be reached or migrated.
  public static func open(
    url: PostgresURL, maxBatch: Int = 64, leaseTimeout: Duration = .seconds(5), logger: Logger
  ) async throws(StoreOpenError) -> PostgresBackend {
    let backend = try PostgresBackend(url: url, maxBatch: maxBatch, leaseTimeout: leaseTimeout, logger: logger)
    do {
      try await backend.migration.value
    } catch {
      await backend.close()
      throw StoreOpenError("cannot open the pool database: \(error)")
    }
    return backend
  }

  /// A backend of `url`'s database whose migration starts now, in the background
  /// (``loadAll()`` and ``begin()`` wait for it and fail with its error); ``open(url:maxBatch:leaseTimeout:logger:)``
  /// waits for it first. Throws when the URL's TLS files cannot be read.
  public init(url: PostgresURL, maxBatch: Int = 64, leaseTimeout: Duration = .seconds(5), logger: Logger) throws(StoreOpenError) {
    let client: PostgresStoreClient
    do {
      client = try PostgresStoreClient(url: url, leaseTimeout: leaseTimeout, logger: logger)
    } catch {
      throw StoreOpenError("cannot open the pool database \(url): \(error)")
    }
    self.client = client
    self.maxBatch = maxBatch
    self.logger = logger
    migration = Task { try await PostgresMigrator.migrate(client, logger: logger) }
  }

  public var description: String { "the pool database \(client.url)" }
  public var executor: (any TaskExecutor)? { nil }

  /// Every row, read in one repeatable-read transaction (a consistent snapshot).
  public func loadAll() async throws -> StoredRows {
    try await migration.value
    let logger = self.logger
    return try await client.withConnection("load the store") { connection in
      try await connection.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
      do {
        var info: [String: Int64] = [:]
        for (key, value) in try await connection.rows("SELECT key, value FROM store_info", logger: logger, {
          let columns = PostgresColumns($0, "store info")
          return (try columns.text(0), try columns.int(1))
        }) { info[key] = value }
        guard let createdAt = info["created_at_ns"] else {
          throw StoreOpenError("the database has no creation time (store_info)")
        }
        let pools = try await PostgresPoolRows.all(connection, logger: logger)
        let rows = StoredRows(
          createdAt: Timestamp(nanosecondsSinceEpoch: createdAt),
          revision: max(UInt64(bitPattern: info["revision"] ?? 0), pools.map(\.revision).max() ?? 0), pools: pools,
          clusters: try await PostgresClusterRows.all(connection, logger: logger),
          queues: try await PostgresQueueRows.all(connection, logger: logger),
          health: try await PostgresHealthRows.all(connection, logger: logger),
          access: try await PostgresAccessRows.all(connection, logger: logger))
        try await connection.run("COMMIT", logger: logger)
        loadedRevision.withLock { $0 = rows.revision }
        return rows
      } catch {
        _ = try? await connection.run("ROLLBACK", logger: logger)
        throw error
      }
    }
  }

  public func begin() async throws -> PostgresTransaction {
    try await migration.value
    let lease = try await client.lease("begin a write")
    do {
      try await lease.connection.run("BEGIN", logger: logger)
    } catch {
      lease.release()
      throw PostgresDatabaseError(error, "begin a write", on: client.url)
    }
    return PostgresTransaction(backend: self, lease: lease)
  }

  /// UNAVAILABLE naming the database and the cause: nothing was written, except when the
  /// reply to COMMIT was lost (``PostgresCommitUnconfirmed``): then the change may have been
  /// applied, and the message says so.
  public func failure(_ error: any Error, _ what: String) -> DomainError {
    if let unconfirmed = error as? PostgresCommitUnconfirmed {
      return DomainError(.unavailable, unconfirmed.answered ? "\(unconfirmed)" : "\(unconfirmed) (read it back before retrying)")
    }
    let cause = error as? PostgresDatabaseError ?? PostgresDatabaseError(error, "write", on: client.url)
    return DomainError(.unavailable, "\(what): \(cause); retry later")
  }

  public func close() async {
    migration.cancel()
    _ = await migration.result
    await client.close()
  }
}
