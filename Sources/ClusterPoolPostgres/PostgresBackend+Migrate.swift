internal import ClusterPoolDomain
public import ClusterPoolStore
internal import PostgresNIO

/// The target of `clusterpool-server migrate` holds rows already: nothing was copied.
public struct PostgresTargetNotEmpty: Error, CustomStringConvertible {
  /// The database, as `HOST:PORT/DATABASE`.
  public var endpoint: String
  /// What it holds, worded (`2 pools`, `1 change-log row`).
  public var contents: [String]

  public init(endpoint: String, contents: [String]) {
    self.endpoint = endpoint
    self.contents = contents
  }

  public var description: String {
    "the target database \(endpoint) is not empty: it holds \(contents.joined(separator: ", ")); migrate copies into an empty database only"
  }
}

extension PostgresStoreClient {
  /// The tables a copy must find empty, with the words for their rows.
  static let migrationTables: [(table: String, one: String, many: String)] = [
    ("cluster_pools", "pool", "pools"), ("clusters", "cluster", "clusters"), ("queues", "queue", "queues"),
    ("cluster_health", "health row", "health rows"), ("change_log", "change-log row", "change-log rows"),
    ("cluster_heartbeats", "heartbeat row", "heartbeat rows"),
    ("access_objects", "identity row", "identity rows"), ("audit_records", "audit record", "audit records"),
    ("audit_anchors", "audit anchor", "audit anchors"),
  ]

  /// What the database holds of the store's rows, worded (`2 pools`, `1 change-log row`), empty
  /// when it holds none; tables not made yet count as empty. Reads only: the schema is not
  /// migrated (`migrate --dry-run` writes nothing).
  public func storeContents() async throws(PostgresDatabaseError) -> [String] {
    let logger = self.logger
    return try await withConnection("read what the database holds") { connection in
      try await Self.storeContents(connection, logger: logger)
    }
  }

  static func storeContents(_ connection: PostgresConnection, logger: Logger) async throws -> [String] {
    var contents: [String] = []
    for (table, one, many) in migrationTables {
      let exists = try await connection.rows("SELECT to_regclass(\(table)) IS NOT NULL", logger: logger) {
        try PostgresColumns($0, "catalog").bool(0)
      }.first ?? false
      guard exists else { continue }
      let count = try await connection.rows("SELECT count(*) FROM \(unescaped: table)", logger: logger) {
        try PostgresColumns($0, table).int(0)
      }.first ?? 0
      if count > 0 { contents.append("\(count) \(count == 1 ? one : many)") }
    }
    return contents
  }
}

extension PostgresBackend {
  /// Copies `rows` (an embedded store's, as its `loadAll()` read them) into this database,
  /// which must hold none of the store's rows: every row with its revision, generation,
  /// authorship and times as they are; the store's creation time; the revision counter at
  /// `rows.revision`, so that a server on this database hands out revisions above the copied
  /// ones; and one change-log row at that revision naming every copied pool, cluster and queue
  /// (the copy is one committed transaction, as the change log has one row per commit). With
  /// them `signingKeys`, replacing any the database holds (a server started on the empty
  /// database made one: with no app to issue tokens to, it signed none that a client holds),
  /// so that tokens issued before the move still verify; and the audit log as it is (every
  /// chain's records and anchor, hashes unchanged), so that each chain still verifies and a
  /// server on this database continues it.
  ///
  /// Call it on a backend from ``open(url:maxBatch:leaseTimeout:logger:)`` (its schema
  /// migrated). One transaction, all or nothing; the store's tables are locked against writers first and
  /// found empty inside it. Throws ``PostgresTargetNotEmpty`` naming what the database holds,
  /// or ``PostgresDatabaseError`` naming the database.
  public func importRows(_ rows: StoredRows, signingKeys: [SigningKeyRecord] = [], audit: AuditLogContents = .init()) async throws {
    let logger = self.logger
    let url = client.url
    let lease = try await client.lease("copy the rows")
    defer { lease.release() }
    let connection = lease.connection
    do {
      try await connection.run("BEGIN", logger: logger)
      let tables = PostgresStoreClient.migrationTables.map(\.table) + ["store_info", "signing_keys"]
      try await connection.run("LOCK TABLE \(unescaped: tables.joined(separator: ", ")) IN EXCLUSIVE MODE", logger: logger)
      let contents = try await PostgresStoreClient.storeContents(connection, logger: logger)
      guard contents.isEmpty else { throw PostgresTargetNotEmpty(endpoint: url.endpoint, contents: contents) }
      for pool in rows.pools { try await PostgresPoolRows.upsert(connection, pool, logger: logger) }
      for cluster in rows.clusters { try await PostgresClusterRows.upsert(connection, cluster, logger: logger) }
      for queue in rows.queues { try await PostgresQueueRows.upsert(connection, queue, logger: logger) }
      for record in rows.health { try await PostgresHealthRows.save(connection, record, logger: logger) }
      for row in rows.access { try await PostgresAccessRows.upsert(connection, row, logger: logger) }
      if !signingKeys.isEmpty {
        try await connection.run("DELETE FROM signing_keys", logger: logger)
        for key in signingKeys {
          try await connection.run(
            """
            INSERT INTO signing_keys (id, algorithm, private_key, created_at, retired_at)
            VALUES (\(key.id), \(key.algorithm), \(key.privateKey), \(key.createdAt), \(key.retiredAt))
            """, logger: logger)
        }
      }
      try await PostgresAuditRows.insert(connection, audit, logger: logger)
      try await connection.run(
        "UPDATE store_info SET value = \(rows.createdAt.nanosecondsSinceEpoch) WHERE key = 'created_at_ns'", logger: logger)
      let changes = ChangeSet(
        revision: rows.revision, pools: rows.pools, clusters: rows.clusters, queues: rows.queues, access: rows.access)
      if changes.isEmpty {
        try await connection.run(
          "UPDATE store_info SET value = \(Int64(bitPattern: rows.revision)) WHERE key = 'revision'", logger: logger)
      } else {
        // The copy is one change log entry at the source's revision (the empty target's counter
        // is 0, so the entry takes exactly `rows.revision`): a follower reads it like any commit.
        _ = try await PostgresChangeLog.append(connection, changes, after: rows.revision, replica: "migrate", logger: logger)
      }
      try await connection.run("COMMIT", logger: logger)
    } catch {
      _ = try? await connection.run("ROLLBACK", logger: logger)
      if let error = error as? PostgresTargetNotEmpty { throw error }
      throw PostgresDatabaseError(error, "copy the rows", on: url)
    }
  }
}
