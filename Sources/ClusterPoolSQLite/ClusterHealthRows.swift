internal import ClusterPoolStore
internal import ClusterPoolDomain

/// The SQL of saved cluster health (`cluster_health`, migration 4). A row counts only for the
/// registration it was saved for: it names the cluster's `created_at_ns`, so health saved for
/// a deleted cluster never reappears on a cluster registered again under its name.
enum ClusterHealthRows {
  /// Every saved health row (the core keeps those of a live cluster's current registration).
  static func all(_ connection: SQLiteConnection) throws -> [ClusterHealthRecord] {
    var records: [ClusterHealthRecord] = []
    try connection.run(
      """
      SELECT organization, name, registered_at_ns, last_seen_ns, has_report, object_store_uri, object_store_endpoint,
        secret_store_type, secret_store_locator, image_registry
      FROM cluster_health
      """
    ) { row in
      let key = ClusterKey(
        organization: Organization(stored: row.text(0)), name: try ResourceName(validating: row.text(1), kind: "cluster"))
      let reported =
        row.integer(4) == 0
        ? nil
        : ReportedDataPlane(
          objectStoreURI: row.text(5), objectStoreEndpoint: row.text(6), secretStoreType: Int32(truncatingIfNeeded: row.integer(7)),
          secretStoreLocator: row.text(8), imageRegistry: row.text(9))
      records.append(
        ClusterHealthRecord(
          key: key, registeredAt: Timestamp(nanosecondsSinceEpoch: row.integer(2)),
          lastSeen: Timestamp(nanosecondsSinceEpoch: row.integer(3)), reported: reported))
    }
    return records
  }

  /// Inserts or replaces the saved health of `record.key`.
  static func save(_ connection: SQLiteConnection, _ record: ClusterHealthRecord) throws {
    let reported = record.reported ?? ReportedDataPlane()
    try connection.run(
      """
      INSERT INTO cluster_health (organization, name, registered_at_ns, last_seen_ns, has_report, object_store_uri,
        object_store_endpoint, secret_store_type, secret_store_locator, image_registry)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
      ON CONFLICT (organization, name) DO UPDATE SET
        registered_at_ns = excluded.registered_at_ns, last_seen_ns = excluded.last_seen_ns, has_report = excluded.has_report,
        object_store_uri = excluded.object_store_uri, object_store_endpoint = excluded.object_store_endpoint,
        secret_store_type = excluded.secret_store_type, secret_store_locator = excluded.secret_store_locator,
        image_registry = excluded.image_registry
      """,
      [
        .text(record.key.organization.name), .text(record.key.name.value), .integer(record.registeredAt.nanosecondsSinceEpoch),
        .integer(record.lastSeen.nanosecondsSinceEpoch), .integer(record.reported == nil ? 0 : 1), .text(reported.objectStoreURI),
        .text(reported.objectStoreEndpoint), .integer(Int64(reported.secretStoreType)), .text(reported.secretStoreLocator),
        .text(reported.imageRegistry),
      ])
  }

  /// Drops the saved health of `key` (the cluster was deleted or is registered anew).
  static func delete(_ connection: SQLiteConnection, _ key: ClusterKey) throws {
    try connection.run(
      "DELETE FROM cluster_health WHERE organization = ?1 AND name = ?2", [.text(key.organization.name), .text(key.name.value)])
  }
}
