internal import ClusterPoolDomain
internal import ClusterPoolStore
internal import PostgresNIO

/// The one statement a ``PostgresTransaction`` sends at its commit, right before `COMMIT`:
/// every row it wrote (``PostgresWriteBuffer``: one multi-row upsert per table from
/// `jsonb_populate_recordset` over JSON written by ``PostgresJSONObject``, one delete per table of rows removed), then, when the
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
    let pools = PostgresJSON.array(rows.pools.values.map(PostgresPoolRows.json))
    let clusters = PostgresJSON.array(rows.clusters.values.map(PostgresClusterRows.json))
    let queues = PostgresJSON.array(try rows.queues.values.compactMap { try $0.map(PostgresQueueRows.json) })
    let removedQueues = PostgresJSON.array(rows.queues.filter { $0.value == nil }.keys.map(key))
    let health = PostgresJSON.array(rows.health.values.compactMap { $0.map(PostgresHealthRows.json) })
    let removedHealth = PostgresJSON.array(rows.health.filter { $0.value == nil }.keys.map { key($0.organization, $0.name) })
    let organizations = PostgresChangeLog.organizations(changes)
    let keys = log ? try PostgresChangeLog.keys(changes) : "{}"
    let audit = PostgresJSON.array(rows.audit.map(PostgresAuditRows.json))
    let statement = Prepared(
      pools: pools, clusters: clusters, removedQueues: removedQueues, queues: queues, removedHealth: removedHealth, health: health,
      after: Int64(bitPattern: last), log: log, organizations: organizations, keys: keys, replica: replica, audit: audit)
    var revisions: [UInt64] = []
    for try await revision in try await connection.execute(statement, logger: logger) { revisions.append(revision) }
    guard log else { return nil }
    guard let revision = revisions.first else { throw PostgresChangeLogError.noRevisionRow }
    return revision
  }

  /// The statement, prepared once per connection (its text never changes: tables without rows
  /// get `[]`), so that each commit skips parsing and planning it.
  struct Prepared: PostgresPreparedStatement {
    static let name = "clusterpool_commit_v2"
    static let sql = """
      WITH pools_written AS (
        INSERT INTO cluster_pools (\(PostgresPoolRows.columns))
        SELECT \(PostgresPoolRows.columns) FROM jsonb_populate_recordset(NULL::cluster_pools, $1::jsonb)
        ON CONFLICT (organization, name) DO UPDATE SET \(PostgresPoolRows.updates)
      ), clusters_written AS (
        INSERT INTO clusters (\(PostgresClusterRows.columns))
        SELECT \(PostgresClusterRows.columns) FROM jsonb_populate_recordset(NULL::clusters, $2::jsonb)
        ON CONFLICT (organization, name) DO UPDATE SET \(PostgresClusterRows.updates)
      ), queues_removed AS (
        DELETE FROM queues q USING jsonb_to_recordset($3::jsonb) AS k(organization text, name text)
        WHERE q.organization = k.organization AND q.name = k.name
      ), queues_written AS (
        INSERT INTO queues (\(PostgresQueueRows.writtenColumns))
        SELECT \(PostgresQueueRows.writtenColumns) FROM jsonb_populate_recordset(NULL::queues, $4::jsonb)
        ON CONFLICT (organization, name) DO UPDATE SET \(PostgresQueueRows.updates)
      ), health_removed AS (
        DELETE FROM cluster_health h USING jsonb_to_recordset($5::jsonb) AS k(organization text, name text)
        WHERE h.organization = k.organization AND h.name = k.name
      ), health_written AS (
        INSERT INTO cluster_health (\(PostgresHealthRows.writtenColumns))
        SELECT \(PostgresHealthRows.writtenColumns) FROM jsonb_populate_recordset(NULL::cluster_health, $6::jsonb)
        ON CONFLICT (organization, name) DO UPDATE SET \(PostgresHealthRows.updates)
      ), audit_written AS (
        INSERT INTO audit_records (\(PostgresAuditRows.columns))
        SELECT \(PostgresAuditRows.columns) FROM jsonb_populate_recordset(NULL::audit_records, $12::jsonb)
      ), next AS (
        UPDATE store_info SET value = GREATEST(value + 1, $7::bigint) WHERE key = 'revision' AND $8::boolean
        RETURNING value
      ), logged AS (
        INSERT INTO change_log (revision, organizations, changes, replica)
        SELECT value, $9::text[], $10::jsonb, $11::text FROM next RETURNING revision
      )
      SELECT revision, pg_notify('\(PostgresChangeLog.channel)', revision::text) FROM logged
      """
    static let bindingDataTypes: [PostgresDataType] = [
      .text, .text, .text, .text, .text, .text, .int8, .bool, .textArray, .text, .text, .text,
    ]

    var pools, clusters, removedQueues, queues, removedHealth, health: String
    var after: Int64
    var log: Bool
    var organizations: [String]
    var keys, replica: String
    /// Audit records appended (``PostgresAuditRows/json(_:)``).
    var audit: String

    func makeBindings() throws -> PostgresBindings {
      var bindings = PostgresBindings(capacity: 12)
      for json in [pools, clusters, removedQueues, queues, removedHealth, health] { bindings.append(json) }
      bindings.append(after)
      bindings.append(log)
      bindings.append(organizations)
      bindings.append(keys)
      bindings.append(replica)
      bindings.append(audit)
      return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> UInt64 {
      UInt64(bitPattern: try PostgresColumns(row, "change log").int(0))
    }
  }

  private static func key(_ key: QueueKey) -> String { Self.key(key.organization, key.name) }
  private static func key(_ organization: Organization, _ name: ResourceName) -> String {
    var object = PostgresJSONObject()
    object.field("organization", organization.name)
    object.field("name", name.value)
    return object.json
  }
}
