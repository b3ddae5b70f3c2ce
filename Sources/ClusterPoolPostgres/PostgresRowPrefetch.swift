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
