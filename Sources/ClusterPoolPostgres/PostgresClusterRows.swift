internal import ClusterPoolDomain
internal import ClusterPoolStore
internal import Foundation
internal import PostgresNIO

/// Cluster rows (`clusters`) and their mapping to ``Cluster``; a cluster's implicit queue is a
/// queue row of its own (``PostgresQueueRows``), written by the core. All values are bound.
enum PostgresClusterRows {
  static let columns = """
    organization, name, pool_name, state, generation, has_reported, created_at_ns, updated_at_ns, deleted_at_ns,
      created_by, updated_by
    """

  static func select(_ connection: PostgresConnection, _ key: ClusterKey, logger: Logger) async throws -> Cluster? {
    try await connection.rows(
      "SELECT \(unescaped: columns) FROM clusters WHERE organization = \(key.organization.name) AND name = \(key.name.value)",
      logger: logger, cluster
    ).first
  }

  static func all(_ connection: PostgresConnection, logger: Logger) async throws -> [Cluster] {
    try await connection.rows("SELECT \(unescaped: columns) FROM clusters ORDER BY organization, name", logger: logger, cluster)
  }

  static func upsert(_ connection: PostgresConnection, _ cluster: Cluster, logger: Logger) async throws {
    try await connection.run(
      """
      INSERT INTO clusters (\(unescaped: columns))
      VALUES (\(cluster.key.organization.name), \(cluster.key.name.value), \(cluster.poolName.value),
        \(cluster.lifecycle.state.description), \(Int64(bitPattern: cluster.lifecycle.generation)), \(cluster.lifecycle.hasReported),
        \(cluster.createdAt.nanosecondsSinceEpoch), \(cluster.updatedAt.nanosecondsSinceEpoch),
        \(cluster.deletedAt?.nanosecondsSinceEpoch), \(cluster.createdBy.storageForm), \(cluster.updatedBy.storageForm))
      ON CONFLICT (organization, name) DO UPDATE SET \(unescaped: updates)
      """, logger: logger)
  }

  /// What an upsert replaces of a row already stored: every column but the key.
  static let updates = """
    pool_name = excluded.pool_name, state = excluded.state, generation = excluded.generation,
      has_reported = excluded.has_reported, created_at_ns = excluded.created_at_ns, updated_at_ns = excluded.updated_at_ns,
      deleted_at_ns = excluded.deleted_at_ns, created_by = excluded.created_by, updated_by = excluded.updated_by
    """

  /// `cluster` as a JSON object of its columns (``columns``), for ``PostgresCommitStatement``.
  static func json(_ cluster: Cluster) -> String {
    var object = PostgresJSONObject()
    object.field("organization", cluster.key.organization.name)
    object.field("name", cluster.key.name.value)
    object.field("pool_name", cluster.poolName.value)
    object.field("state", cluster.lifecycle.state.description)
    object.field("generation", Int64(bitPattern: cluster.lifecycle.generation))
    object.field("has_reported", cluster.lifecycle.hasReported)
    object.field("created_at_ns", cluster.createdAt.nanosecondsSinceEpoch)
    object.field("updated_at_ns", cluster.updatedAt.nanosecondsSinceEpoch)
    object.field("deleted_at_ns", cluster.deletedAt?.nanosecondsSinceEpoch)
    object.field("created_by", cluster.createdBy.storageForm)
    object.field("updated_by", cluster.updatedBy.storageForm)
    return object.json
  }

  static func cluster(_ row: PostgresRow) throws -> Cluster { try cluster(PostgresColumns(row, "cluster")) }

  /// The row whose columns (in ``columns``' order) start at `columns`' base.
  static func cluster(_ columns: PostgresColumns) throws -> Cluster {
    let key = ClusterKey(
      organization: Organization(stored: try columns.text(0)),
      name: try ResourceName(validating: try columns.text(1), kind: "cluster"))
    let stateName = try columns.text(3)
    guard let state = ClusterState.allCases.first(where: { $0.description == stateName }) else {
      throw StoreOpenError("corrupt row for cluster \(key): state \(stateName)")
    }
    return Cluster(
      key: key, poolName: try ResourceName(validating: try columns.text(2)),
      lifecycle: ClusterLifecycle(
        state: state, generation: UInt64(bitPattern: try columns.int(4)), hasReported: try columns.bool(5)),
      createdAt: try columns.timestamp(6), updatedAt: try columns.timestamp(7), deletedAt: try columns.optionalTimestamp(8),
      createdBy: try columns.identity(9), updatedBy: try columns.identity(10))
  }
}
