internal import PostgresNIO

extension PostgresStoreClient {
  /// Why the database cannot serve now (no connection within the lease timeout, or `SELECT 1`
  /// failed; the reason names the database, never its password), or nil when it answered.
  /// `/readyz` asks this.
  public func unreadyReason() async -> String? {
    do {
      try await withConnection("checking readiness") { connection in
        _ = try await connection.query("SELECT 1", logger: logger)
      }
      return nil
    } catch {
      return "\(error)"
    }
  }
}
