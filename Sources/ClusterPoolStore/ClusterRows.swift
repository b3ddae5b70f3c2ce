internal import ClusterPoolDomain

/// The SQL of cluster rows (and of the implicit queue rows that go with them), and their
/// mapping to ``Cluster``. All parameters are bound.
enum ClusterRows {
  static func select(_ connection: SQLiteConnection, _ key: ClusterKey) throws -> Cluster? {
    var found: Cluster?
    try connection.run(
      """
      SELECT organization, name, pool_name, state, generation, has_reported, created_at_ns, updated_at_ns,
        deleted_at_ns, created_by, updated_by
      FROM clusters WHERE organization = ?1 AND name = ?2
      """, [.text(key.organization.name), .text(key.name.value)]
    ) { row in found = try cluster(row) }
    return found
  }

  /// Every stored cluster, live or deleted.
  static func all(_ connection: SQLiteConnection) throws -> [Cluster] {
    var clusters: [Cluster] = []
    try connection.run(
      """
      SELECT organization, name, pool_name, state, generation, has_reported, created_at_ns, updated_at_ns,
        deleted_at_ns, created_by, updated_by
      FROM clusters ORDER BY organization, name
      """
    ) { row in clusters.append(try cluster(row)) }
    return clusters
  }

  /// The queue of its own (not a cluster's implicit queue) holding `key`'s name, live or deleted:
  /// a deleted queue keeps its name until it is undeleted. `nil` when there is none.
  static func standaloneQueue(_ connection: SQLiteConnection, _ key: ClusterKey) throws -> ClusterRegistration.Occupant? {
    let live = try connection.integer(
      "SELECT deleted_at_ns IS NULL FROM queues WHERE organization = ?1 AND name = ?2 AND cluster_managed = 0",
      [.text(key.organization.name), .text(key.name.value)])
    return live.map { $0 != 0 ? .queue : .deletedQueue }
  }

  /// Inserts or replaces the row of `cluster`, and its implicit queue's row alongside (same
  /// name and pool, cluster-managed, live exactly when the cluster is).
  static func upsert(_ connection: SQLiteConnection, _ cluster: Cluster) throws {
    let deleted: SQLiteValue = cluster.deletedAt.map { .integer($0.nanosecondsSinceEpoch) } ?? .null
    let common: [SQLiteValue] = [
      .text(cluster.key.organization.name), .text(cluster.key.name.value), .text(cluster.poolName.value),
      .integer(cluster.createdAt.nanosecondsSinceEpoch), .integer(cluster.updatedAt.nanosecondsSinceEpoch), deleted,
      .text(cluster.createdBy.storageForm), .text(cluster.updatedBy.storageForm),
    ]
    try connection.run(
      """
      INSERT OR REPLACE INTO clusters (organization, name, pool_name, created_at_ns, updated_at_ns, deleted_at_ns,
        created_by, updated_by, state, generation, has_reported)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
      """,
      common + [
        .text(cluster.lifecycle.state.description), .integer(Int64(bitPattern: cluster.lifecycle.generation)),
        .integer(cluster.lifecycle.hasReported ? 1 : 0),
      ])
    try connection.run(
      """
      INSERT INTO queues (organization, name, pool_name, created_at_ns, updated_at_ns, deleted_at_ns, created_by,
        updated_by, cluster_managed, state)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, ?9)
      ON CONFLICT (organization, name) DO UPDATE SET
        pool_name = excluded.pool_name, updated_at_ns = excluded.updated_at_ns, deleted_at_ns = excluded.deleted_at_ns,
        updated_by = excluded.updated_by, cluster_managed = 1, state = excluded.state,
        state_generation = queues.state_generation + (queues.state != excluded.state)
      """,
      common + [.text(cluster.isLive ? "ACTIVE" : "DELETED")])
  }

  /// Removes the deleted implicit queue of `key`, so a cluster registered again under the
  /// name gets a fresh queue (created now, by the registering caller).
  static func dropDeletedImplicitQueue(_ connection: SQLiteConnection, _ key: ClusterKey) throws {
    try connection.run(
      "DELETE FROM queues WHERE organization = ?1 AND name = ?2 AND cluster_managed = 1 AND deleted_at_ns IS NOT NULL",
      [.text(key.organization.name), .text(key.name.value)])
  }

  private static func cluster(_ row: SQLiteRow) throws -> Cluster {
    let key = ClusterKey(
      organization: Organization(stored: row.text(0)), name: try ResourceName(validating: row.text(1), kind: "cluster"))
    guard let state = ClusterState.allCases.first(where: { $0.description == row.text(3) }),
      let createdBy = Identity(storageForm: row.text(9)), let updatedBy = Identity(storageForm: row.text(10))
    else { throw StoreOpenError("corrupt row for cluster \(key)") }
    return Cluster(
      key: key, poolName: try ResourceName(validating: row.text(2)),
      lifecycle: ClusterLifecycle(
        state: state, generation: UInt64(bitPattern: row.integer(4)), hasReported: row.integer(5) != 0),
      createdAt: Timestamp(nanosecondsSinceEpoch: row.integer(6)), updatedAt: Timestamp(nanosecondsSinceEpoch: row.integer(7)),
      deletedAt: row.optionalInteger(8).map(Timestamp.init(nanosecondsSinceEpoch:)), createdBy: createdBy,
      updatedBy: updatedBy)
  }
}
