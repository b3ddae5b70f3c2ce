import ClusterPoolDomain
import Foundation
import Testing

@testable import ClusterPoolSQLite
@testable import ClusterPoolStore

/// The `signing_keys` table as a numbered migration (8) of the SQLite file: made by migrating a
/// new file, kept with its keys in a file whose server made it outside the migrations (before 8).
@Suite struct SQLiteSigningKeysTests {
  func tables(_ path: String) throws -> [String] {
    let raw = try SQLiteConnection(path: path)
    defer { raw.close() }
    var names: [String] = []
    try raw.run("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") { names.append($0.text(0)) }
    return names
  }

  @Test func aNewFileIsMigratedWithTheTable() async throws {
    try await TemporaryDatabase.with { database, store in
      #expect(try tables(database.path) == [
        "access_objects", "audit_anchors", "audit_records", "cluster_health", "cluster_pools", "clusters", "queues",
        "signing_keys", "store_info",
      ])
      let keys = try SQLiteSigningKeys(path: database.path)
      #expect(try await keys.signingKeys().isEmpty)
      let key = SigningKeyRecord(id: "k1", algorithm: "ES256", privateKey: "p", createdAt: 10, retiredAt: nil)
      try await keys.addSigningKey(key, retiring: [])
      #expect(try await keys.signingKeys() == [key])
    }
  }

  @Test func aFileWhoseTableCameBeforeTheMigrationKeepsItsKeys() async throws {
    let database = try TemporaryDatabase()
    defer { database.remove() }
    do {  // what a server before migration 8 left: schema 7 and the table made beside it
      let connection = try SQLiteConnection(path: database.path)
      for migration in SQLiteSchema.migrations.prefix(7) { try connection.executeScript(migration) }
      try connection.executeScript(
        """
        CREATE TABLE IF NOT EXISTS signing_keys (
          id TEXT PRIMARY KEY, algorithm TEXT NOT NULL, private_key TEXT NOT NULL,
          created_at INTEGER NOT NULL, retired_at INTEGER
        ) WITHOUT ROWID;
        INSERT INTO signing_keys VALUES ('old', 'ES256', 'p', 5, NULL);
        """)
      #expect(try connection.integer("PRAGMA user_version") == 7)
      connection.close()
    }
    #expect(throws: StoreOpenError.self) { _ = try SQLiteSigningKeys(path: database.path) }  // not migrated yet
    let store = try database.open()
    let keys = try SQLiteSigningKeys(path: database.path)
    #expect(try await keys.signingKeys() == [SigningKeyRecord(id: "old", algorithm: "ES256", privateKey: "p", createdAt: 5, retiredAt: nil)])
    await store.close()
    let raw = try SQLiteConnection(path: database.path)
    #expect(try raw.integer("PRAGMA user_version") == Int64(SQLiteSchema.migrations.count))
    raw.close()
  }
}
