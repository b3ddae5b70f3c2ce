internal import ClusterPoolStore
internal import ClusterPoolDomain

/// The SQL of cluster rows and their mapping to ``Cluster`` (a cluster's implicit queue is a
/// queue row, written by the core next to it). All parameters are bound.
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

  /// Inserts or replaces the row of `cluster`.
  static func upsert(_ connection: SQLiteConnection, _ cluster: Cluster) throws {
    try connection.run(
      """
      INSERT OR REPLACE INTO clusters (organization, name, pool_name, created_at_ns, updated_at_ns, deleted_at_ns,
        created_by, updated_by, state, generation, has_reported)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
      """,
      [
        .text(cluster.key.organization.name), .text(cluster.key.name.value), .text(cluster.poolName.value),
        .integer(cluster.createdAt.nanosecondsSinceEpoch), .integer(cluster.updatedAt.nanosecondsSinceEpoch),
        cluster.deletedAt.map { .integer($0.nanosecondsSinceEpoch) } ?? .null,
        .text(cluster.createdBy.storageForm), .text(cluster.updatedBy.storageForm),
        .text(cluster.lifecycle.state.description), .integer(Int64(bitPattern: cluster.lifecycle.generation)),
        .integer(cluster.lifecycle.hasReported ? 1 : 0),
      ])
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
