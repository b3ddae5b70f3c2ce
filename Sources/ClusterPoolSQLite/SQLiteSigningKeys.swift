public import ClusterPoolStore
internal import Synchronization

/// The signing keys of access tokens in the SQLite file, table `signing_keys` (migration 8),
/// on a connection of their own: read at start and by the periodic refresh, written by a key
/// rotation, never on the pool store's writer thread.
public final class SQLiteSigningKeys: SigningKeyStore {
  private let connection: Mutex<SQLiteConnection>
  public let path: String

  /// Opens `path`, a file the pool store (``SQLiteBackend``) opened and so migrated.
  public init(path: String) throws {
    let connection = try SQLiteConnection(path: path)
    try SQLiteSchema.configure(connection)
    let version = try connection.integer("PRAGMA user_version") ?? 0
    guard version >= SQLiteSchema.signingKeysVersion else {
      throw StoreOpenError("signing keys: \(path) is at schema version \(version), before the signing_keys table (open the pool store first)")
    }
    self.connection = Mutex(connection)
    self.path = path
  }

  public func signingKeys() async throws -> [SigningKeyRecord] {
    try connection.withLock { connection in
      var keys: [SigningKeyRecord] = []
      try connection.run(
        "SELECT id, algorithm, private_key, created_at, retired_at FROM signing_keys ORDER BY created_at, id"
      ) { row in
        keys.append(
          SigningKeyRecord(
            id: row.text(0), algorithm: row.text(1), privateKey: row.text(2), createdAt: row.integer(3),
            retiredAt: row.optionalInteger(4)))
      }
      return keys
    }
  }

  public func addSigningKey(_ key: SigningKeyRecord, retiring retire: [String]) async throws {
    try connection.withLock { connection in
      try connection.executeScript("BEGIN IMMEDIATE")
      do {
        for id in retire {
          try connection.run(
            "UPDATE signing_keys SET retired_at = ?1 WHERE id = ?2 AND retired_at IS NULL",
            [.integer(key.createdAt), .text(id)])
        }
        try connection.run(
          "INSERT INTO signing_keys (id, algorithm, private_key, created_at, retired_at) VALUES (?1, ?2, ?3, ?4, NULL)",
          [.text(key.id), .text(key.algorithm), .text(key.privateKey), .integer(key.createdAt)])
        try connection.executeScript("COMMIT")
      } catch {
        try? connection.executeScript("ROLLBACK")
        throw error
      }
    }
  }
}
