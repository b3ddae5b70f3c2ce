internal import ClusterPoolStore
internal import ClusterPoolDomain

/// The SQL of pool rows and their mapping to ``ClusterPool``. All parameters are bound.
enum PoolRows {
  static func select(_ connection: SQLiteConnection, _ key: PoolKey) throws -> ClusterPool? {
    var found: ClusterPool?
    try connection.run(
      """
      SELECT organization, name, object_store_uri, object_store_endpoint, secret_store_type, secret_store_locator,
        image_registry, created_at_ns, updated_at_ns, deleted_at_ns, created_by, updated_by, revision
      FROM cluster_pools WHERE organization = ?1 AND name = ?2
      """, [.text(key.organization.name), .text(key.name.value)]
    ) { row in found = try pool(row) }
    return found
  }

  /// Every stored pool row (`memberClusters` empty: the core derives them).
  static func all(_ connection: SQLiteConnection) throws -> [ClusterPool] {
    var pools: [ClusterPool] = []
    try connection.run(
      """
      SELECT organization, name, object_store_uri, object_store_endpoint, secret_store_type, secret_store_locator,
        image_registry, created_at_ns, updated_at_ns, deleted_at_ns, created_by, updated_by, revision
      FROM cluster_pools ORDER BY organization, name
      """
    ) { row in pools.append(try pool(row)) }
    return pools
  }

  /// Live clusters and queues naming the pool.
  static func references(_ connection: SQLiteConnection, _ key: PoolKey) throws -> PoolReferences {
    let parameters: [SQLiteValue] = [.text(key.organization.name), .text(key.name.value)]
    var clusters: [ResourceName] = []
    var queues: [ResourceName] = []
    try connection.run(
      "SELECT name FROM clusters WHERE organization = ?1 AND pool_name = ?2 AND deleted_at_ns IS NULL", parameters
    ) { row in clusters.append(try ResourceName(validating: row.text(0), kind: "cluster")) }
    try connection.run(
      "SELECT name FROM queues WHERE organization = ?1 AND pool_name = ?2 AND deleted_at_ns IS NULL", parameters
    ) { row in queues.append(try ResourceName(validating: row.text(0), kind: "queue")) }
    return PoolReferences(liveClusters: clusters, liveQueues: queues)
  }

  /// Inserts or replaces the row of `pool`.
  static func upsert(_ connection: SQLiteConnection, _ pool: ClusterPool) throws {
    let config = pool.config
    try connection.run(
      """
      INSERT INTO cluster_pools (organization, name, object_store_uri, object_store_endpoint, secret_store_type,
        secret_store_locator, image_registry, created_at_ns, updated_at_ns, deleted_at_ns, created_by, updated_by, revision)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
      ON CONFLICT (organization, name) DO UPDATE SET
        object_store_uri = excluded.object_store_uri, object_store_endpoint = excluded.object_store_endpoint,
        secret_store_type = excluded.secret_store_type, secret_store_locator = excluded.secret_store_locator,
        image_registry = excluded.image_registry, updated_at_ns = excluded.updated_at_ns,
        deleted_at_ns = excluded.deleted_at_ns, updated_by = excluded.updated_by, revision = excluded.revision
      """,
      [
        .text(pool.organization.name), .text(pool.name.value), .text(config.objectStoreURI),
        .text(config.objectStoreEndpoint), .integer(Int64(config.secretStoreType.rawValue)),
        .text(config.secretStoreLocator), .text(config.imageRegistry),
        .integer(pool.createdAt.nanosecondsSinceEpoch), .integer(pool.updatedAt.nanosecondsSinceEpoch),
        pool.deletedAt.map { .integer($0.nanosecondsSinceEpoch) } ?? .null,
        .text(pool.createdBy.storageForm), .text(pool.updatedBy.storageForm), .integer(Int64(bitPattern: pool.revision)),
      ])
  }

  private static func pool(_ row: SQLiteRow) throws -> ClusterPool {
    let key = PoolKey(organization: Organization(stored: row.text(0)), name: try ResourceName(validating: row.text(1)))
    guard let type = SecretStoreType(rawValue: Int32(truncatingIfNeeded: row.integer(4))),
      let createdBy = Identity(storageForm: row.text(10)), let updatedBy = Identity(storageForm: row.text(11))
    else { throw StoreOpenError("corrupt row for cluster pool \(key)") }
    let config = ClusterPoolConfig(
      unchecked: row.text(2), objectStoreEndpoint: row.text(3), secretStoreType: type, secretStoreLocator: row.text(5),
      imageRegistry: row.text(6))
    return ClusterPool(
      key: key, config: config, createdAt: Timestamp(nanosecondsSinceEpoch: row.integer(7)),
      updatedAt: Timestamp(nanosecondsSinceEpoch: row.integer(8)),
      deletedAt: row.optionalInteger(9).map(Timestamp.init(nanosecondsSinceEpoch:)), createdBy: createdBy,
      updatedBy: updatedBy, revision: UInt64(bitPattern: row.integer(12)))
  }
}
