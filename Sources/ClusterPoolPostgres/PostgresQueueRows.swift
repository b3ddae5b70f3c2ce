internal import ClusterPoolDomain
internal import ClusterPoolStore
internal import Foundation
internal import PostgresNIO

/// Queue rows (`queues`): queues of their own, and clusters' implicit queues
/// (`cluster_managed`, their spec columns left at the defaults but the pool). All values are bound.
enum PostgresQueueRows {
  static let columns = """
    organization, name, pool_name, created_at_ns, updated_at_ns, deleted_at_ns, created_by, updated_by,
      cluster_managed, state, state_generation, run_concurrency, action_concurrency, depth, priority, fairness, scheduling,
      clusters, max_resources::text, max_accelerators::text
    """

  static func select(_ connection: PostgresConnection, _ key: QueueKey, logger: Logger) async throws -> Queue? {
    try await connection.rows(
      "SELECT \(unescaped: columns) FROM queues WHERE organization = \(key.organization.name) AND name = \(key.name.value)",
      logger: logger, queue
    ).first
  }

  static func all(_ connection: PostgresConnection, logger: Logger) async throws -> [Queue] {
    try await connection.rows("SELECT \(unescaped: columns) FROM queues ORDER BY organization, name", logger: logger, queue)
  }

  /// Live queues of their own that pin the cluster `key`.
  static func pinning(_ connection: PostgresConnection, _ key: ClusterKey, logger: Logger) async throws -> [ResourceName] {
    try await connection.rows(
      """
      SELECT name FROM queues WHERE organization = \(key.organization.name) AND NOT cluster_managed
        AND deleted_at_ns IS NULL AND \(key.name.value) = ANY(clusters) ORDER BY name
      """, logger: logger
    ) { try ResourceName(validating: try PostgresColumns($0, "queue").text(0), kind: "queue") }
  }

  static func upsert(_ connection: PostgresConnection, _ queue: Queue, logger: Logger) async throws {
    let spec = queue.spec
    let resources = try QueueCapColumns.encode(spec.maxResources, none: "[]")
    let accelerators = try QueueCapColumns.encode(spec.maxAccelerators, none: "[]")
    try await connection.run(
      """
      INSERT INTO queues (\(unescaped: writtenColumns))
      VALUES (\(queue.key.organization.name), \(queue.key.name.value), \(spec.poolName.value),
        \(queue.createdAt.nanosecondsSinceEpoch), \(queue.updatedAt.nanosecondsSinceEpoch), \(queue.deletedAt?.nanosecondsSinceEpoch),
        \(queue.createdBy.storageForm), \(queue.updatedBy.storageForm), \(queue.lifecycle.clusterManaged),
        \(queue.lifecycle.state.description), \(Int64(bitPattern: queue.lifecycle.generation)), \(Int64(spec.runConcurrency)),
        \(Int64(spec.actionConcurrency)), \(Int64(spec.depth)), \(spec.priority), \(spec.fairness), \(spec.scheduling),
        \(spec.clusters.map(\.value)), \(resources)::jsonb, \(accelerators)::jsonb)
      ON CONFLICT (organization, name) DO UPDATE SET \(unescaped: updates)
      """, logger: logger)
  }

  /// The columns an upsert writes (``columns`` reads the caps as text).
  static let writtenColumns = """
    organization, name, pool_name, created_at_ns, updated_at_ns, deleted_at_ns, created_by, updated_by,
      cluster_managed, state, state_generation, run_concurrency, action_concurrency, depth, priority, fairness, scheduling,
      clusters, max_resources, max_accelerators
    """

  /// What an upsert replaces of a row already stored: every column but the key.
  static let updates = """
    pool_name = excluded.pool_name, created_at_ns = excluded.created_at_ns, updated_at_ns = excluded.updated_at_ns,
      deleted_at_ns = excluded.deleted_at_ns, created_by = excluded.created_by, updated_by = excluded.updated_by,
      cluster_managed = excluded.cluster_managed, state = excluded.state, state_generation = excluded.state_generation,
      run_concurrency = excluded.run_concurrency, action_concurrency = excluded.action_concurrency, depth = excluded.depth,
      priority = excluded.priority, fairness = excluded.fairness, scheduling = excluded.scheduling,
      clusters = excluded.clusters, max_resources = excluded.max_resources, max_accelerators = excluded.max_accelerators
    """

  /// `queue` as a JSON object of its columns (``writtenColumns``; the caps as JSON values),
  /// for ``PostgresCommitStatement``.
  static func json(_ queue: Queue) throws -> String {
    let spec = queue.spec
    var object = PostgresJSONObject()
    object.field("organization", queue.key.organization.name)
    object.field("name", queue.key.name.value)
    object.field("pool_name", spec.poolName.value)
    object.field("created_at_ns", queue.createdAt.nanosecondsSinceEpoch)
    object.field("updated_at_ns", queue.updatedAt.nanosecondsSinceEpoch)
    object.field("deleted_at_ns", queue.deletedAt?.nanosecondsSinceEpoch)
    object.field("created_by", queue.createdBy.storageForm)
    object.field("updated_by", queue.updatedBy.storageForm)
    object.field("cluster_managed", queue.lifecycle.clusterManaged)
    object.field("state", queue.lifecycle.state.description)
    object.field("state_generation", Int64(bitPattern: queue.lifecycle.generation))
    object.field("run_concurrency", Int64(spec.runConcurrency))
    object.field("action_concurrency", Int64(spec.actionConcurrency))
    object.field("depth", Int64(spec.depth))
    object.field("priority", Int64(spec.priority))
    object.field("fairness", Int64(spec.fairness))
    object.field("scheduling", Int64(spec.scheduling))
    object.field("clusters", spec.clusters.map(\.value))
    // the caps' JSON text (QueueCapColumns writes it with JSONSerialization) as their values
    object.field("max_resources", json: try QueueCapColumns.encode(spec.maxResources, none: "[]"))
    object.field("max_accelerators", json: try QueueCapColumns.encode(spec.maxAccelerators, none: "[]"))
    return object.json
  }

  static func delete(_ connection: PostgresConnection, _ key: QueueKey, logger: Logger) async throws {
    try await connection.run(
      "DELETE FROM queues WHERE organization = \(key.organization.name) AND name = \(key.name.value)", logger: logger)
  }

  static func queue(_ row: PostgresRow) throws -> Queue { try queue(PostgresColumns(row, "queue")) }

  /// The row whose columns (in ``columns``' order) start at `columns`' base.
  static func queue(_ columns: PostgresColumns) throws -> Queue {
    let key = QueueKey(
      organization: Organization(stored: try columns.text(0)), name: try ResourceName(validating: try columns.text(1), kind: "queue"))
    let stateName = try columns.text(9)
    guard let state = QueueState.allCases.first(where: { $0.description == stateName }) else {
      throw StoreOpenError("corrupt row for queue \(key): state \(stateName)")
    }
    let pins = try columns.decode(17, [String].self).map { try ResourceName(validating: $0, kind: "cluster") }
    let spec = QueueSpec(
      runConcurrency: UInt32(truncatingIfNeeded: try columns.int(11)), actionConcurrency: UInt32(truncatingIfNeeded: try columns.int(12)),
      depth: UInt32(truncatingIfNeeded: try columns.int(13)), priority: try columns.int32(14), fairness: try columns.int32(15),
      scheduling: try columns.int32(16), poolName: try ResourceName(validating: try columns.text(2)), clusters: pins,
      maxResources: try QueueCapColumns.resources(try columns.text(18), queue: key),
      maxAccelerators: try QueueCapColumns.accelerators(try columns.text(19), queue: key))
    return Queue(
      key: key, spec: spec,
      lifecycle: QueueLifecycle(state: state, generation: UInt64(bitPattern: try columns.int(10)), clusterManaged: try columns.bool(8)),
      createdAt: try columns.timestamp(3), updatedAt: try columns.timestamp(4), deletedAt: try columns.optionalTimestamp(5),
      createdBy: try columns.identity(6), updatedBy: try columns.identity(7))
  }
}
