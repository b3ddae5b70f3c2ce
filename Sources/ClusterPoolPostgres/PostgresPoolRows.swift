internal import ClusterPoolDomain
internal import ClusterPoolStore
internal import Foundation
internal import PostgresNIO

/// Pool rows (`cluster_pools`) and their mapping to ``ClusterPool``. All values are bound.
enum PostgresPoolRows {
  static let columns = """
    organization, name, object_store_uri, object_store_endpoint, secret_store_type, secret_store_locator,
      image_registry, created_at_ns, updated_at_ns, deleted_at_ns, created_by, updated_by, revision
    """

  static func select(_ connection: PostgresConnection, _ key: PoolKey, logger: Logger) async throws -> ClusterPool? {
    try await connection.rows(
      "SELECT \(unescaped: columns) FROM cluster_pools WHERE organization = \(key.organization.name) AND name = \(key.name.value)",
      logger: logger, pool
    ).first
  }

  static func all(_ connection: PostgresConnection, logger: Logger) async throws -> [ClusterPool] {
    try await connection.rows("SELECT \(unescaped: columns) FROM cluster_pools ORDER BY organization, name", logger: logger, pool)
  }

  /// Live clusters and queues naming the pool.
  static func references(_ connection: PostgresConnection, _ key: PoolKey, logger: Logger) async throws -> PoolReferences {
    let organization = key.organization.name
    let name = key.name.value
    let clusters = try await connection.rows(
      "SELECT name FROM clusters WHERE organization = \(organization) AND pool_name = \(name) AND deleted_at_ns IS NULL ORDER BY name",
      logger: logger
    ) { try ResourceName(validating: try PostgresColumns($0, "cluster").text(0), kind: "cluster") }
    let queues = try await connection.rows(
      "SELECT name FROM queues WHERE organization = \(organization) AND pool_name = \(name) AND deleted_at_ns IS NULL ORDER BY name",
      logger: logger
    ) { try ResourceName(validating: try PostgresColumns($0, "queue").text(0), kind: "queue") }
    return PoolReferences(liveClusters: clusters, liveQueues: queues)
  }

  static func upsert(_ connection: PostgresConnection, _ pool: ClusterPool, logger: Logger) async throws {
    let config = pool.config
    try await connection.run(
      """
      INSERT INTO cluster_pools (\(unescaped: columns))
      VALUES (\(pool.organization.name), \(pool.name.value), \(config.objectStoreURI), \(config.objectStoreEndpoint),
        \(config.secretStoreType.rawValue), \(config.secretStoreLocator), \(config.imageRegistry),
        \(pool.createdAt.nanosecondsSinceEpoch), \(pool.updatedAt.nanosecondsSinceEpoch), \(pool.deletedAt?.nanosecondsSinceEpoch),
        \(pool.createdBy.storageForm), \(pool.updatedBy.storageForm), \(Int64(bitPattern: pool.revision)))
      ON CONFLICT (organization, name) DO UPDATE SET \(unescaped: updates)
      """, logger: logger)
  }

  /// What an upsert replaces of a row already stored: every column but the key.
  static let updates = """
    object_store_uri = excluded.object_store_uri, object_store_endpoint = excluded.object_store_endpoint,
      secret_store_type = excluded.secret_store_type, secret_store_locator = excluded.secret_store_locator,
      image_registry = excluded.image_registry, created_at_ns = excluded.created_at_ns,
      updated_at_ns = excluded.updated_at_ns, deleted_at_ns = excluded.deleted_at_ns,
      created_by = excluded.created_by, updated_by = excluded.updated_by, revision = excluded.revision
    """

  /// `pool` as a JSON object of its columns (``columns``), for a statement writing many rows
  /// from `jsonb_populate_recordset` (``PostgresCommitStatement``).
  static func json(_ pool: ClusterPool) -> String {
    let config = pool.config
    var object = PostgresJSONObject()
    object.field("organization", pool.organization.name)
    object.field("name", pool.name.value)
    object.field("object_store_uri", config.objectStoreURI)
    object.field("object_store_endpoint", config.objectStoreEndpoint)
    object.field("secret_store_type", Int64(config.secretStoreType.rawValue))
    object.field("secret_store_locator", config.secretStoreLocator)
    object.field("image_registry", config.imageRegistry)
    object.field("created_at_ns", pool.createdAt.nanosecondsSinceEpoch)
    object.field("updated_at_ns", pool.updatedAt.nanosecondsSinceEpoch)
    object.field("deleted_at_ns", pool.deletedAt?.nanosecondsSinceEpoch)
    object.field("created_by", pool.createdBy.storageForm)
    object.field("updated_by", pool.updatedBy.storageForm)
    object.field("revision", Int64(bitPattern: pool.revision))
    return object.json
  }

  static func pool(_ row: PostgresRow) throws -> ClusterPool { try pool(PostgresColumns(row, "cluster pool")) }

  /// The row whose columns (in ``columns``' order) start at `columns`' base.
  static func pool(_ columns: PostgresColumns) throws -> ClusterPool {
    let key = PoolKey(organization: Organization(stored: try columns.text(0)), name: try ResourceName(validating: try columns.text(1)))
    guard let type = SecretStoreType(rawValue: try columns.int32(4)) else {
      throw StoreOpenError("corrupt row for cluster pool \(key): secret store type \(try columns.int32(4))")
    }
    let config = ClusterPoolConfig(
      unchecked: try columns.text(2), objectStoreEndpoint: try columns.text(3), secretStoreType: type,
      secretStoreLocator: try columns.text(5), imageRegistry: try columns.text(6))
    return ClusterPool(
      key: key, config: config, createdAt: try columns.timestamp(7), updatedAt: try columns.timestamp(8),
      deletedAt: try columns.optionalTimestamp(9), createdBy: try columns.identity(10), updatedBy: try columns.identity(11),
      revision: UInt64(bitPattern: try columns.int(12)))
  }
}
