import Logging
import PostgresNIO
import Testing

@testable import ClusterPoolPostgres

/// Migrations on the real PostgreSQL of tools/test, each test on a database of its own.
@Suite(.enabled(if: TestPostgres.enabled, "needs CLUSTERPOOL_TEST_POSTGRES_URL (tools/test)"))
struct PostgresMigratorTests {
  let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

  @Test func migratesAnEmptyDatabaseThenRunsNothingTwice() async throws {
    try await TestPostgres.withFreshDatabase { url in
      let database = try PostgresStoreClient(url: url, logger: logger)
      let all = PostgresSchema.migrations.map(\.version)
      #expect(try await PostgresMigrator.migrate(database, logger: logger) == all)
      #expect(try await tables(database) == [
        "access_objects", "audit_anchors", "audit_records", "change_log", "cluster_health", "cluster_heartbeats", "cluster_pools",
        "clusters", "queues", "schema_migrations", "signing_keys", "store_info",
      ])
      #expect(try await PostgresMigrator.migrate(database, logger: logger) == [])
      #expect(try await appliedVersions(database) == all)
      await database.close()
    }
  }

  @Test func fiveServersStartingTogetherMigrateOnce() async throws {
    try await TestPostgres.withFreshDatabase { url in
      let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
        for _ in 0..<5 {
          group.addTask {
            let database = try PostgresStoreClient(url: url, leaseTimeout: .seconds(30), logger: logger)
            defer { Task { await database.close() } }
            let versions = try await PostgresMigrator.migrate(database, logger: logger)
            await database.close()
            return versions
          }
        }
        var all: [[Int]] = []
        for try await versions in group { all.append(versions) }
        return all
      }
      // Exactly one migrator applied the migrations; the others found them done.
      #expect(applied.filter { !$0.isEmpty } == [PostgresSchema.migrations.map(\.version)])
      #expect(applied.count == 5)
      let database = try PostgresStoreClient(url: url, logger: logger)
      #expect(try await appliedVersions(database) == PostgresSchema.migrations.map(\.version))
      await database.close()
    }
  }

  /// A server before migration 5 made `signing_keys` outside the numbered migrations: the
  /// migration finds it and its keys stay.
  @Test func signingKeysMadeBeforeTheirMigrationStay() async throws {
    try await TestPostgres.withFreshDatabase { url in
      let database = try PostgresStoreClient(url: url, logger: logger)
      try await PostgresMigrator.migrate(database, logger: logger)
      try await database.withConnection("pretend a server of schema 4") { connection in
        try await connection.query("DROP TABLE audit_records, audit_anchors", logger: logger)
        try await connection.query("DELETE FROM schema_migrations WHERE version >= 5", logger: logger)
        try await connection.query("INSERT INTO signing_keys VALUES ('old', 'ES256', 'p', 5, NULL)", logger: logger)
        return ()
      }
      #expect(try await PostgresMigrator.migrate(database, logger: logger) == [5, 6])
      let kept = try await database.withConnection("read the keys") { connection in
        var ids: [String] = []
        for try await id in try await connection.query("SELECT id FROM signing_keys", logger: logger).decode(String.self) {
          ids.append(id)
        }
        return ids
      }
      #expect(kept == ["old"])
      await database.close()
    }
  }

  @Test func aDatabaseOfANewerServerIsRefused() async throws {
    try await TestPostgres.withFreshDatabase { url in
      let database = try PostgresStoreClient(url: url, logger: logger)
      try await PostgresMigrator.migrate(database, logger: logger)
      let newer = PostgresMigrator.latestVersion + 1
      try await database.withConnection("pretend a newer server") { connection in
        try await connection.query("INSERT INTO schema_migrations (version, name) VALUES (\(newer), 'from the future')", logger: logger)
        return ()
      }
      do {
        try await PostgresMigrator.migrate(database, logger: logger)
        Issue.record("a database of a newer schema was accepted")
      } catch {
        #expect(
          "\(error)"
            == "PostgreSQL \(url.endpoint): migrate the schema: the database schema version \(newer) is newer than this server's (\(newer - 1)): run a newer server"
        )
      }
      await database.close()
    }
  }

  func tables(_ database: PostgresStoreClient) async throws -> [String] {
    try await database.withConnection("list tables") { connection in
      var names: [String] = []
      for try await name in try await connection.query(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename", logger: logger
      ).decode(String.self) { names.append(name) }
      return names
    }
  }

  func appliedVersions(_ database: PostgresStoreClient) async throws -> [Int] {
    try await database.withConnection("list migrations") { connection in
      var versions: [Int] = []
      for try await version in try await connection.query("SELECT version FROM schema_migrations ORDER BY version", logger: logger)
        .decode(Int.self)
      { versions.append(version) }
      return versions
    }
  }
}
