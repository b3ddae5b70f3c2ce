internal import ClusterPoolStore
internal import ClusterPoolDomain

/// The SQL of queue rows and their mapping to ``Queue``: queues of their own, and clusters'
/// implicit queues (`cluster_managed`, their spec columns left at the defaults but the pool).
/// All parameters are bound.
enum QueueRows {
  /// A stored row: the queue (spec meaningful only when not cluster-managed).
  static func select(_ connection: SQLiteConnection, _ key: QueueKey) throws -> Queue? {
    var found: Queue?
    try connection.run(
      """
      SELECT organization, name, pool_name, created_at_ns, updated_at_ns, deleted_at_ns, created_by, updated_by,
        cluster_managed, state, state_generation, run_concurrency, action_concurrency, depth, priority, fairness, scheduling,
        clusters, max_resources, max_accelerators
      FROM queues WHERE organization = ?1 AND name = ?2
      """, [.text(key.organization.name), .text(key.name.value)]
    ) { row in found = try queue(row) }
    return found
  }

  /// Every stored queue row, of its own or implicit, live or deleted.
  static func all(_ connection: SQLiteConnection) throws -> [Queue] {
    var queues: [Queue] = []
    try connection.run(
      """
      SELECT organization, name, pool_name, created_at_ns, updated_at_ns, deleted_at_ns, created_by, updated_by,
        cluster_managed, state, state_generation, run_concurrency, action_concurrency, depth, priority, fairness, scheduling,
        clusters, max_resources, max_accelerators
      FROM queues ORDER BY organization, name
      """
    ) { row in queues.append(try queue(row)) }
    return queues
  }

  /// Live queues of their own that pin the cluster `key`.
  static func pinning(_ connection: SQLiteConnection, _ key: ClusterKey) throws -> [ResourceName] {
    var names: [ResourceName] = []
    try connection.run(
      """
      SELECT name FROM queues WHERE organization = ?1 AND cluster_managed = 0 AND deleted_at_ns IS NULL
        AND instr(clusters, ',' || ?2 || ',') > 0 ORDER BY name
      """, [.text(key.organization.name), .text(key.name.value)]
    ) { row in names.append(try ResourceName(validating: row.text(0), kind: "queue")) }
    return names
  }

  /// Inserts or replaces the row of `queue`, of its own or implicit.
  static func upsert(_ connection: SQLiteConnection, _ queue: Queue) throws {
    let spec = queue.spec
    try connection.run(
      """
      INSERT OR REPLACE INTO queues (organization, name, pool_name, created_at_ns, updated_at_ns, deleted_at_ns, created_by,
        updated_by, cluster_managed, state, state_generation, run_concurrency, action_concurrency, depth, priority, fairness,
        scheduling, clusters, max_resources, max_accelerators)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?20, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)
      """,
      [
        .text(queue.key.organization.name), .text(queue.key.name.value), .text(spec.poolName.value),
        .integer(queue.createdAt.nanosecondsSinceEpoch), .integer(queue.updatedAt.nanosecondsSinceEpoch),
        queue.deletedAt.map { .integer($0.nanosecondsSinceEpoch) } ?? .null, .text(queue.createdBy.storageForm),
        .text(queue.updatedBy.storageForm), .text(queue.lifecycle.state.description),
        .integer(Int64(bitPattern: queue.lifecycle.generation)), .integer(Int64(spec.runConcurrency)),
        .integer(Int64(spec.actionConcurrency)), .integer(Int64(spec.depth)), .integer(Int64(spec.priority)),
        .integer(Int64(spec.fairness)), .integer(Int64(spec.scheduling)),
        .text(spec.clusters.isEmpty ? "" : "," + spec.clusters.map(\.value).joined(separator: ",") + ","),
        .text(try QueueCapColumns.encode(spec.maxResources)), .text(try QueueCapColumns.encode(spec.maxAccelerators)),
        .integer(queue.lifecycle.clusterManaged ? 1 : 0),
      ])
  }

  /// Removes the row of `key`, if any.
  static func delete(_ connection: SQLiteConnection, _ key: QueueKey) throws {
    try connection.run(
      "DELETE FROM queues WHERE organization = ?1 AND name = ?2", [.text(key.organization.name), .text(key.name.value)])
  }

  private static func queue(_ row: SQLiteRow) throws -> Queue {
    let key = QueueKey(
      organization: Organization(stored: row.text(0)), name: try ResourceName(validating: row.text(1), kind: "queue"))
    guard let state = QueueState.allCases.first(where: { $0.description == row.text(9) }),
      let createdBy = Identity(storageForm: row.text(6)), let updatedBy = Identity(storageForm: row.text(7))
    else { throw StoreOpenError("corrupt row for queue \(key)") }
    var pins: [ResourceName] = []
    for name in row.text(17).split(separator: ",") { pins.append(try ResourceName(validating: String(name), kind: "cluster")) }
    let spec = QueueSpec(
      runConcurrency: UInt32(truncatingIfNeeded: row.integer(11)), actionConcurrency: UInt32(truncatingIfNeeded: row.integer(12)),
      depth: UInt32(truncatingIfNeeded: row.integer(13)), priority: Int32(truncatingIfNeeded: row.integer(14)),
      fairness: Int32(truncatingIfNeeded: row.integer(15)), scheduling: Int32(truncatingIfNeeded: row.integer(16)),
      poolName: try ResourceName(validating: row.text(2)), clusters: pins,
      maxResources: try QueueCapColumns.resources(row.text(18), queue: key),
      maxAccelerators: try QueueCapColumns.accelerators(row.text(19), queue: key))
    return Queue(
      key: key, spec: spec,
      lifecycle: QueueLifecycle(
        state: state, generation: UInt64(bitPattern: row.integer(10)), clusterManaged: row.integer(8) != 0),
      createdAt: Timestamp(nanosecondsSinceEpoch: row.integer(3)), updatedAt: Timestamp(nanosecondsSinceEpoch: row.integer(4)),
      deletedAt: row.optionalInteger(5).map(Timestamp.init(nanosecondsSinceEpoch:)), createdBy: createdBy, updatedBy: updatedBy)
  }
}
