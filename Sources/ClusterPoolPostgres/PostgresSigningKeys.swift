public import ClusterPoolStore
internal import PostgresNIO

/// The signing keys of access tokens in PostgreSQL, table `signing_keys` (migration 5, made
/// when the backend opened), shared by every replica of the database.
public struct PostgresSigningKeys: SigningKeyStore {
  let backend: PostgresBackend

  /// The keys of the database `backend` opened (and so migrated).
  public init(backend: PostgresBackend) { self.backend = backend }

  public func signingKeys() async throws -> [SigningKeyRecord] {
    let logger = backend.logger
    return try await backend.client.withConnection("read the signing keys") { connection in
      try await connection.rows(
        "SELECT id, algorithm, private_key, created_at, retired_at FROM signing_keys ORDER BY created_at, id",
        logger: logger
      ) { row in
        let columns = PostgresColumns(row, "signing key")
        return SigningKeyRecord(
          id: try columns.text(0), algorithm: try columns.text(1), privateKey: try columns.text(2),
          createdAt: try columns.int(3), retiredAt: try columns.decode(4, Int64?.self))
      }
    }
  }

  public func addSigningKey(_ key: SigningKeyRecord, retiring retire: [String]) async throws {
    let logger = backend.logger
    try await backend.client.withConnection("add a signing key") { connection in
      try await connection.run("BEGIN", logger: logger)
      do {
        try await connection.run(
          "UPDATE signing_keys SET retired_at = \(key.createdAt) WHERE id = ANY(\(retire)::text[]) AND retired_at IS NULL",
          logger: logger)
        try await connection.run(
          """
          INSERT INTO signing_keys (id, algorithm, private_key, created_at)
          VALUES (\(key.id), \(key.algorithm), \(key.privateKey), \(key.createdAt))
          """, logger: logger)
        try await connection.run("COMMIT", logger: logger)
      } catch {
        try? await connection.run("ROLLBACK", logger: logger)
        throw error
      }
    }
  }
}
