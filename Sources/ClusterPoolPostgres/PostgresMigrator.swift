public import Logging
internal import PostgresNIO

/// Brings a database to ``PostgresSchema``: under a session advisory lock, so that servers
/// starting together run each migration once, every missing migration runs in a transaction
/// of its own and is recorded in `schema_migrations`. A database migrated by a newer server
/// is refused.
public enum PostgresMigrator {
  /// The number of the last migration this code knows.
  public static var latestVersion: Int { PostgresSchema.migrations.last?.version ?? 0 }

  /// Applies the missing migrations; returns the versions this call applied (empty when the
  /// database was current). Throws ``PostgresDatabaseError`` naming the database.
  @discardableResult
  public static func migrate(_ database: PostgresStoreClient, logger: Logger) async throws(PostgresDatabaseError) -> [Int] {
    try await database.withConnection("migrate the schema") { connection in
      let lock = PostgresSchema.migrationLock
      try await connection.query("SELECT pg_advisory_lock(\(lock.classID), \(lock.key))", logger: logger)
      do {
        let applied = try await migrateLocked(connection, database: database, logger: logger)
        try await connection.query("SELECT pg_advisory_unlock(\(lock.classID), \(lock.key))", logger: logger)
        return applied
      } catch {
        // The lock goes with the session: close it rather than leave it held in the pool.
        try? await connection.close()
        throw error
      }
    }
  }

  private static func migrateLocked(
    _ connection: PostgresConnection, database: PostgresStoreClient, logger: Logger
  ) async throws -> [Int] {
    try await connection.query(
      """
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
      """, logger: logger)
    var current = 0
    for try await version in try await connection.query(
      "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", logger: logger
    ).decode(Int.self) {
      current = version
    }
    guard current <= latestVersion else {
      throw PostgresSchemaTooNew(version: current, known: latestVersion)
    }
    var applied: [Int] = []
    for migration in PostgresSchema.migrations where migration.version > current {
      try await connection.query("BEGIN", logger: logger)
      do {
        for statement in migration.statements {
          try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
        }
        try await connection.query(
          "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))", logger: logger)
        try await connection.query("COMMIT", logger: logger)
      } catch {
        _ = try? await connection.query("ROLLBACK", logger: logger)
        throw error
      }
      logger.info(
        "applied a schema migration",
        metadata: ["database": "\(database.url.endpoint)", "version": "\(migration.version)", "migration": "\(migration.name)"])
      applied.append(migration.version)
    }
    return applied
  }
}

/// The database was migrated by a newer server than this one.
struct PostgresSchemaTooNew: Error, CustomStringConvertible {
  var version: Int
  var known: Int
  var description: String {
    "the database schema version \(version) is newer than this server's (\(known)): run a newer server"
  }
}
