internal import ClusterPoolDomain
internal import ClusterPoolStore
internal import PostgresNIO

/// Saved cluster health (`cluster_health`): the last report's time and data plane of a
/// cluster's registration (`registered_at_ns`, its `created_at_ns`). All values are bound.
enum PostgresHealthRows {
  static func all(_ connection: PostgresConnection, logger: Logger) async throws -> [ClusterHealthRecord] {
    try await connection.rows(
      """
      SELECT organization, name, registered_at_ns, last_seen_ns, has_report, object_store_uri, object_store_endpoint,
        secret_store_type, secret_store_locator, image_registry
      FROM cluster_health ORDER BY organization, name
      """, logger: logger
    ) { row in
      let columns = PostgresColumns(row, "cluster health")
      let key = ClusterKey(
        organization: Organization(stored: try columns.text(0)),
        name: try ResourceName(validating: try columns.text(1), kind: "cluster"))
      let reported =
        try columns.bool(4)
        ? ReportedDataPlane(
          objectStoreURI: try columns.text(5), objectStoreEndpoint: try columns.text(6), secretStoreType: try columns.int32(7),
          secretStoreLocator: try columns.text(8), imageRegistry: try columns.text(9))
        : nil
      return ClusterHealthRecord(
        key: key, registeredAt: try columns.timestamp(2), lastSeen: try columns.timestamp(3), reported: reported)
    }
  }

  static func save(_ connection: PostgresConnection, _ record: ClusterHealthRecord, logger: Logger) async throws {
    let reported = record.reported ?? ReportedDataPlane()
    try await connection.run(
      """
      INSERT INTO cluster_health (\(unescaped: writtenColumns))
      VALUES (\(record.key.organization.name), \(record.key.name.value), \(record.registeredAt.nanosecondsSinceEpoch),
        \(record.lastSeen.nanosecondsSinceEpoch), \(record.reported != nil), \(reported.objectStoreURI),
        \(reported.objectStoreEndpoint), \(reported.secretStoreType), \(reported.secretStoreLocator), \(reported.imageRegistry))
      ON CONFLICT (organization, name) DO UPDATE SET \(unescaped: updates)
      """, logger: logger)
  }

  static let writtenColumns = """
    organization, name, registered_at_ns, last_seen_ns, has_report, object_store_uri, object_store_endpoint,
      secret_store_type, secret_store_locator, image_registry
    """

  /// What an upsert replaces of a row already stored: every column but the key.
  static let updates = """
    registered_at_ns = excluded.registered_at_ns, last_seen_ns = excluded.last_seen_ns, has_report = excluded.has_report,
      object_store_uri = excluded.object_store_uri, object_store_endpoint = excluded.object_store_endpoint,
      secret_store_type = excluded.secret_store_type, secret_store_locator = excluded.secret_store_locator,
      image_registry = excluded.image_registry
    """

  /// `record` as a JSON object of its columns (``writtenColumns``), for ``PostgresCommitStatement``.
  static func json(_ record: ClusterHealthRecord) -> String {
    let reported = record.reported ?? ReportedDataPlane()
    var object = PostgresJSONObject()
    object.field("organization", record.key.organization.name)
    object.field("name", record.key.name.value)
    object.field("registered_at_ns", record.registeredAt.nanosecondsSinceEpoch)
    object.field("last_seen_ns", record.lastSeen.nanosecondsSinceEpoch)
    object.field("has_report", record.reported != nil)
    object.field("object_store_uri", reported.objectStoreURI)
    object.field("object_store_endpoint", reported.objectStoreEndpoint)
    object.field("secret_store_type", Int64(reported.secretStoreType))
    object.field("secret_store_locator", reported.secretStoreLocator)
    object.field("image_registry", reported.imageRegistry)
    return object.json
  }

  static func delete(_ connection: PostgresConnection, _ key: ClusterKey, logger: Logger) async throws {
    try await connection.run(
      "DELETE FROM cluster_health WHERE organization = \(key.organization.name) AND name = \(key.name.value)", logger: logger)
  }
}
