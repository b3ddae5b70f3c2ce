public import ClusterPoolStore
internal import PostgresNIO

extension PostgresTransaction {
  /// Sends what ``commit(_:)`` sends before `COMMIT` (the access rows, then the rows'
  /// statement with the change log row and the revision counter), so that PostgreSQL checks
  /// every row, then `ROLLBACK`: nothing stays, the counter and the change log included, and
  /// the statement's `pg_notify` is never delivered (notifications go out at commit only).
  public func rehearse(_ changes: ChangeSet) async throws {
    precondition(!ended, "a PostgreSQL transaction was used after it ended")
    defer { end() }
    do {
      if let failure { throw failure }
      try await writeAccessRows()
      _ = try await database("write \(written.count) rows") {
        try await PostgresCommitStatement.run(
          connection, written, log: changes, after: max(changes.revision, revision ?? 0), replica: backend.replica, logger: logger)
      }
    } catch {
      _ = try? await connection.run("ROLLBACK", logger: logger)
      throw error
    }
    try await database("roll back a dry run") { try await connection.run("ROLLBACK", logger: logger) }
  }
}
