public import ClusterPoolDomain
public import ClusterPoolStore
internal import PostgresNIO

/// A ``PostgresTransaction``'s identity and access rows: written into its
/// ``PostgresWriteBuffer`` (an undone write restores it, like every other row), read through
/// it, and sent at commit one statement per row before the batch's other rows. Identity writes
/// are rare (administration), so they keep the simple statements of ``PostgresAccessRows``.
extension PostgresTransaction {
  public func accessRow(_ key: AccessKey) async throws -> AccessRow? {
    if let written = written.access[key] { return written }
    return try await database("read \(key)") { try await PostgresAccessRows.select(connection, key, logger: logger) }
  }

  /// The stored rows of `kind` in `organization` with this transaction's laid over them, by name.
  public func accessRows(_ kind: AccessKind, in organization: Organization) async throws -> [AccessRow] {
    let stored = try await database("read the \(kind) rows of \(organization)") {
      try await PostgresAccessRows.all(connection, kind, organization, logger: logger)
    }
    var rows = Dictionary(stored.map { ($0.key, $0) }, uniquingKeysWith: { _, last in last })
    for (key, row) in written.access where key.kind == kind && key.organization == organization { rows[key] = row }
    return rows.values.sorted { $0.key.name < $1.key.name }
  }

  public func upsert(_ row: AccessRow) async throws {
    recordUndo(.access(row.key, written: written.access[row.key]))
    written.access[row.key] = .some(row)
  }

  public func deleteAccessRow(_ key: AccessKey) async throws {
    recordUndo(.access(key, written: written.access[key]))
    written.access[key] = .some(nil)
  }

  /// Sends the buffered identity and access rows (upserts and deletes), in key order.
  func writeAccessRows() async throws {
    for (key, row) in written.access.sorted(by: { $0.key < $1.key }) {
      if let row {
        try await database("write \(key)") { try await PostgresAccessRows.upsert(connection, row, logger: logger) }
      } else {
        try await database("remove \(key)") { try await PostgresAccessRows.delete(connection, key, logger: logger) }
      }
    }
  }
}
