internal import ClusterPoolDomain

/// The SQL of saved cluster health (`cluster_health`, migration 4). A row counts only for the
/// registration it was saved for: it names the cluster's `created_at_ns`, so health saved for
/// a deleted cluster never reappears on a cluster registered again under its name.
enum ClusterHealthRows {
  /// The saved health of every live cluster whose registration it belongs to.
  static func all(_ connection: SQLiteConnection) throws -> [ClusterHealthRecord] {
    var records: [ClusterHealthRecord] = []
    try connection.run(
      """
      SELECT h.organization, h.name, h.registered_at_ns, h.last_seen_ns, h.has_report, h.object_store_uri,
        h.object_store_endpoint, h.secret_store_type, h.secret_store_locator, h.image_registry
      FROM cluster_health h JOIN clusters c
        ON c.organization = h.organization AND c.name = h.name AND c.created_at_ns = h.registered_at_ns
      WHERE c.deleted_at_ns IS NULL
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

  /// Saves `record` when its registration is still the live cluster's; returns whether it did.
  @discardableResult
  static func save(_ connection: SQLiteConnection, _ record: ClusterHealthRecord) throws -> Bool {
    let reported = record.reported ?? ReportedDataPlane()
    let changed = try connection.run(
      """
      INSERT INTO cluster_health (organization, name, registered_at_ns, last_seen_ns, has_report, object_store_uri,
        object_store_endpoint, secret_store_type, secret_store_locator, image_registry)
      SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10
      WHERE EXISTS (
        SELECT 1 FROM clusters WHERE organization = ?1 AND name = ?2 AND created_at_ns = ?3 AND deleted_at_ns IS NULL)
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
    return changed > 0
  }

  /// Drops the saved health of `key` (the cluster was deleted or is registered anew).
  static func delete(_ connection: SQLiteConnection, _ key: ClusterKey) throws {
    try connection.run(
      "DELETE FROM cluster_health WHERE organization = ?1 AND name = ?2", [.text(key.organization.name), .text(key.name.value)])
  }
}
