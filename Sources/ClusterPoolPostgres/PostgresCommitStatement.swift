internal import ClusterPoolDomain
internal import ClusterPoolStore
internal import Foundation
internal import PostgresNIO

/// The one statement a ``PostgresTransaction`` sends at its commit, right before `COMMIT`:
/// every row it wrote (``PostgresWriteBuffer``: one multi-row upsert per table from
/// `jsonb_populate_recordset`, one delete per table of rows removed), then, when the
/// transaction changed rows the store publishes, the commit's revision taken from the counter
/// (see ``PostgresTransaction`` for why it is the last thing before `COMMIT`), the change log
/// row and the notification of followers. One round trip, whatever the batch's size.
///
/// The buffer holds at most one version of each row, so no row is written twice in the
/// statement (which PostgreSQL refuses). Its data-modifying parts all run, to completion,
/// whether or not the final `SELECT` reads them.
enum PostgresCommitStatement {
  /// Writes `rows` and, when `changes` is not empty, its change log row (``PostgresChangeLog``)
  /// at the counter plus one or `last` when higher, written by `replica`. Returns the commit's
  /// revision (nil when `changes` is empty).
  static func run(
    _ connection: PostgresConnection, _ rows: PostgresWriteBuffer, log changes: ChangeSet, after last: UInt64, replica: String,
    logger: Logger
  ) async throws -> UInt64? {
    let log = !changes.isEmpty
    let pools = try json(rows.pools.values.map(PostgresPoolRows.json))
    let clusters = try json(rows.clusters.values.map(PostgresClusterRows.json))
    let queues = try json(try rows.queues.values.compactMap { try $0.map(PostgresQueueRows.json) })
    let removedQueues = try json(rows.queues.filter { $0.value == nil }.keys.map(key))
    let health = try json(rows.health.values.compactMap { $0.map(PostgresHealthRows.json) })
    let removedHealth = try json(rows.health.filter { $0.value == nil }.keys.map { key($0.organization, $0.name) })
    let organizations = PostgresChangeLog.organizations(changes)
    let keys = log ? try PostgresChangeLog.keys(changes) : "{}"
    let revisions = try await connection.rows(
      """
      WITH pools_written AS (
        INSERT INTO cluster_pools (\(unescaped: PostgresPoolRows.columns))
        SELECT \(unescaped: PostgresPoolRows.columns) FROM jsonb_populate_recordset(NULL::cluster_pools, \(pools)::jsonb)
        ON CONFLICT (organization, name) DO UPDATE SET \(unescaped: PostgresPoolRows.updates)
      ), clusters_written AS (
        INSERT INTO clusters (\(unescaped: PostgresClusterRows.columns))
        SELECT \(unescaped: PostgresClusterRows.columns) FROM jsonb_populate_recordset(NULL::clusters, \(clusters)::jsonb)
        ON CONFLICT (organization, name) DO UPDATE SET \(unescaped: PostgresClusterRows.updates)
      ), queues_removed AS (
        DELETE FROM queues q USING jsonb_to_recordset(\(removedQueues)::jsonb) AS k(organization text, name text)
        WHERE q.organization = k.organization AND q.name = k.name
      ), queues_written AS (
        INSERT INTO queues (\(unescaped: PostgresQueueRows.writtenColumns))
        SELECT \(unescaped: PostgresQueueRows.writtenColumns) FROM jsonb_populate_recordset(NULL::queues, \(queues)::jsonb)
        ON CONFLICT (organization, name) DO UPDATE SET \(unescaped: PostgresQueueRows.updates)
      ), health_removed AS (
        DELETE FROM cluster_health h USING jsonb_to_recordset(\(removedHealth)::jsonb) AS k(organization text, name text)
        WHERE h.organization = k.organization AND h.name = k.name
      ), health_written AS (
        INSERT INTO cluster_health (\(unescaped: PostgresHealthRows.writtenColumns))
        SELECT \(unescaped: PostgresHealthRows.writtenColumns) FROM jsonb_populate_recordset(NULL::cluster_health, \(health)::jsonb)
        ON CONFLICT (organization, name) DO UPDATE SET \(unescaped: PostgresHealthRows.updates)
      ), next AS (
        UPDATE store_info SET value = GREATEST(value + 1, \(Int64(bitPattern: last))) WHERE key = 'revision' AND \(log)
        RETURNING value
      ), logged AS (
        INSERT INTO change_log (revision, organizations, changes, replica)
        SELECT value, \(organizations), \(keys)::jsonb, \(replica) FROM next RETURNING revision
      )
      SELECT revision, pg_notify('\(unescaped: PostgresChangeLog.channel)', revision::text) FROM logged
      """, logger: logger
    ) { UInt64(bitPattern: try PostgresColumns($0, "change log").int(0)) }
    guard log else { return nil }
    guard let revision = revisions.first else { throw PostgresChangeLogError.noRevisionRow }
    return revision
  }

  private static func key(_ key: QueueKey) -> [String: Any] { Self.key(key.organization, key.name) }
  private static func key(_ organization: Organization, _ name: ResourceName) -> [String: Any] {
    ["organization": organization.name, "name": name.value]
  }

  /// `objects` as a JSON array (its order is not the point: each row once).
  private static func json(_ objects: [[String: Any]]) throws -> String {
    guard !objects.isEmpty else { return "[]" }
    return String(decoding: try JSONSerialization.data(withJSONObject: objects), as: UTF8.self)
  }
}
