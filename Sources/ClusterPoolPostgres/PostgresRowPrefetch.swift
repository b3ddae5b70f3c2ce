internal import ClusterPoolDomain
internal import PostgresNIO

/// Rows of one table read by key in one query, for ``PostgresTransaction/prefetch(_:)``.
enum PostgresRowPrefetch {
  /// The rows of `table` (its `columnList`, mapped with `map`) under `keys`; a key with no row
  /// gives none.
  static func rows<Row>(
    _ connection: PostgresConnection, _ columnList: String, _ table: String, _ keys: [(Organization, ResourceName)],
    logger: Logger, _ map: (PostgresRow) throws -> Row
  ) async throws -> [Row] {
    try await connection.rows(
      """
      SELECT \(unescaped: columnList) FROM \(unescaped: table)
      WHERE (organization, name) IN (SELECT * FROM unnest(\(keys.map(\.0.name))::text[], \(keys.map(\.1.value))::text[]))
      """, logger: logger, map)
  }
}

extension PostgresRowPrefetch {
  /// The pool rows under `keys` and the revision counter, in one query (each row carries the
  /// counter as its last column; one row of nulls and the counter when no pool matched).
  static func poolsAndRevision(
    _ connection: PostgresConnection, _ keys: [(Organization, ResourceName)], logger: Logger
  ) async throws -> (pools: [ClusterPool], revision: UInt64) {
    var revision: UInt64 = 0
    var pools: [ClusterPool] = []
    for try await row in try await connection.query(
      """
      WITH counter AS (SELECT value FROM store_info WHERE key = 'revision'),
      found AS (
        SELECT \(unescaped: PostgresPoolRows.columns) FROM cluster_pools
        WHERE (organization, name) IN (SELECT * FROM unnest(\(keys.map(\.0.name))::text[], \(keys.map(\.1.value))::text[]))
      )
      SELECT found.*, counter.value FROM counter LEFT JOIN found ON true
      """, logger: logger)
    {
      let columns = PostgresColumns(row, "cluster pool")
      revision = UInt64(bitPattern: try columns.int(columns.row.count - 1))
      if columns.row[0].bytes != nil { pools.append(try PostgresPoolRows.pool(row)) }
    }
    return (pools, revision)
  }
}
