internal import ClusterPoolStore
internal import ClusterPoolDomain

/// The SQL of identity and access rows (`access_objects`: kind, organization, name, body).
/// All parameters are bound.
enum AccessRows {
  static func select(_ connection: SQLiteConnection, _ key: AccessKey) throws -> AccessRow? {
    var found: AccessRow?
    try connection.run(
      "SELECT kind, organization, name, body FROM access_objects WHERE kind = ?1 AND organization = ?2 AND name = ?3",
      [.text(key.kind.rawValue), .text(key.organization.name), .text(key.name)]
    ) { row in found = try accessRow(row) }
    return found
  }

  /// The rows of `kind` in `organization`.
  static func all(_ connection: SQLiteConnection, _ kind: AccessKind, _ organization: Organization) throws -> [AccessRow] {
    var rows: [AccessRow] = []
    try connection.run(
      "SELECT kind, organization, name, body FROM access_objects WHERE kind = ?1 AND organization = ?2 ORDER BY name",
      [.text(kind.rawValue), .text(organization.name)]
    ) { row in rows.append(try accessRow(row)) }
    return rows
  }

  /// Every row.
  static func all(_ connection: SQLiteConnection) throws -> [AccessRow] {
    var rows: [AccessRow] = []
    try connection.run("SELECT kind, organization, name, body FROM access_objects ORDER BY kind, organization, name") { row in
      rows.append(try accessRow(row))
    }
    return rows
  }

  static func upsert(_ connection: SQLiteConnection, _ row: AccessRow) throws {
    try connection.run(
      "INSERT OR REPLACE INTO access_objects (kind, organization, name, body) VALUES (?1, ?2, ?3, ?4)",
      [.text(row.key.kind.rawValue), .text(row.key.organization.name), .text(row.key.name), .text(row.body)])
  }

  static func delete(_ connection: SQLiteConnection, _ key: AccessKey) throws {
    try connection.run(
      "DELETE FROM access_objects WHERE kind = ?1 AND organization = ?2 AND name = ?3",
      [.text(key.kind.rawValue), .text(key.organization.name), .text(key.name)])
  }

  private static func accessRow(_ row: SQLiteRow) throws -> AccessRow {
    guard let kind = AccessKind(rawValue: row.text(0)) else {
      throw StoreOpenError("corrupt identity row: unknown kind \(row.text(0))")
    }
    return AccessRow(key: AccessKey(kind, Organization(stored: row.text(1)), row.text(2)), body: row.text(3))
  }
}
