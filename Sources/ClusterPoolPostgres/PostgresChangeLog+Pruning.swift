internal import PostgresNIO

extension PostgresChangeLog {
  /// Deletes the entries more than `keepRevisions` behind the store's revision and older than
  /// `keepFor`, and records the last revision deleted as `store_info` `pruned_through` (never
  /// lowered), in one statement; returns how many entries it deleted. A follower whose last
  /// applied revision is below `pruned_through` cannot read what it missed and reloads
  /// (``PostgresChangeReader``). Any replica may prune; pruning twice deletes nothing more.
  static func prune(
    _ connection: PostgresConnection, keepRevisions: UInt64, keepFor: Duration, logger: Logger
  ) async throws -> Int {
    let keep = Int64(clamping: keepRevisions)
    let age = Double(keepFor.components.seconds) + Double(keepFor.components.attoseconds) / 1e18
    let counts = try await connection.rows(
      """
      WITH horizon AS (
        SELECT max(revision) AS through FROM change_log
        WHERE revision <= (SELECT value FROM store_info WHERE key = 'revision') - \(keep)
          AND committed_at < now() - make_interval(secs => \(age))
      ), pruned AS (
        DELETE FROM change_log WHERE revision <= (SELECT through FROM horizon) RETURNING revision
      ), recorded AS (
        INSERT INTO store_info (key, value) SELECT 'pruned_through', through FROM horizon WHERE through IS NOT NULL
        ON CONFLICT (key) DO UPDATE SET value = GREATEST(store_info.value, EXCLUDED.value)
      )
      SELECT count(*) FROM pruned
      """, logger: logger
    ) { try PostgresColumns($0, "change log").int(0) }
    return Int(counts.first ?? 0)
  }
}
