internal import ClusterPoolDomain
internal import ClusterPoolStore
internal import PostgresNIO

/// Identity and access rows (`access_objects`: kind, organization, name, body as JSONB). All
/// values are bound.
enum PostgresAccessRows {
  static let columns = "kind, organization, name, body::text"

  static func select(_ connection: PostgresConnection, _ key: AccessKey, logger: Logger) async throws -> AccessRow? {
    try await connection.rows(
      """
      SELECT \(unescaped: columns) FROM access_objects
      WHERE kind = \(key.kind.rawValue) AND organization = \(key.organization.name) AND name = \(key.name)
      """, logger: logger, accessRow
    ).first
  }

  /// The rows of `kind` in `organization`.
  static func all(_ connection: PostgresConnection, _ kind: AccessKind, _ organization: Organization, logger: Logger)
    async throws -> [AccessRow]
  {
    try await connection.rows(
      """
      SELECT \(unescaped: columns) FROM access_objects WHERE kind = \(kind.rawValue) AND organization = \(organization.name)
      ORDER BY name
      """, logger: logger, accessRow)
  }

  /// Every row.
  static func all(_ connection: PostgresConnection, logger: Logger) async throws -> [AccessRow] {
    try await connection.rows(
      "SELECT \(unescaped: columns) FROM access_objects ORDER BY kind, organization, name", logger: logger, accessRow)
  }

  /// The rows of `keys` ([kind, organization, name] triples) that exist.
  static func select(_ connection: PostgresConnection, _ keys: [[String]], logger: Logger) async throws -> [AccessRow] {
    guard !keys.isEmpty else { return [] }
    return try await connection.rows(
      """
      SELECT \(unescaped: columns) FROM access_objects
      WHERE (kind, organization, name) IN (
        SELECT * FROM unnest(\(keys.map { $0[0] })::text[], \(keys.map { $0[1] })::text[], \(keys.map { $0[2] })::text[]))
      """, logger: logger, accessRow)
  }

  static func upsert(_ connection: PostgresConnection, _ row: AccessRow, logger: Logger) async throws {
    try await connection.run(
      """
      INSERT INTO access_objects (kind, organization, name, body)
      VALUES (\(row.key.kind.rawValue), \(row.key.organization.name), \(row.key.name), \(row.body)::jsonb)
      ON CONFLICT (kind, organization, name) DO UPDATE SET body = excluded.body
      """, logger: logger)
  }

  static func delete(_ connection: PostgresConnection, _ key: AccessKey, logger: Logger) async throws {
    try await connection.run(
      """
      DELETE FROM access_objects
      WHERE kind = \(key.kind.rawValue) AND organization = \(key.organization.name) AND name = \(key.name)
      """, logger: logger)
  }

  static func accessRow(_ row: PostgresRow) throws -> AccessRow { try accessRow(PostgresColumns(row, "identity")) }

  /// The row whose columns (in ``columns``' order) start at `columns`' base.
  static func accessRow(_ columns: PostgresColumns) throws -> AccessRow {
    let kindName = try columns.text(0)
    guard let kind = AccessKind(rawValue: kindName) else { throw StoreOpenError("corrupt identity row: unknown kind \(kindName)") }
    return AccessRow(key: AccessKey(kind, Organization(stored: try columns.text(1)), try columns.text(2)), body: try columns.text(3))
  }
}
