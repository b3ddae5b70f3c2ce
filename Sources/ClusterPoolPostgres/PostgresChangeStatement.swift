internal import ClusterPoolDomain
internal import ClusterPoolStore
internal import PostgresNIO

/// The one statement of a follower's catch-up (``PostgresChangeReader``): the change log entries
/// after a revision and the current rows of the keys named by those not skipped, read in one
/// round trip and one snapshot (a single statement sees one), prepared once per connection.
///
/// It was five round trips (BEGIN, the entries, the pools, their members, COMMIT; more for
/// clusters, queues and identity rows), for each of the other replicas' commits on each
/// follower: with three replicas, two thirds of the statements PostgreSQL ran for a Create.
///
/// The keys are read from the entries' JSON by PostgreSQL; each result row is one of several
/// kinds side by side (``Row``): column 0 says which, and each kind's columns have their own
/// positions, the others NULL (typed, so that the `UNION ALL` resolves every column's type).
/// Rows are looked up key by key (`LATERAL`: index scans, whatever the plan's estimates).
struct PostgresChangeStatement: PostgresPreparedStatement {
  static let name = "clusterpool_changes_v1"

  /// Entries after it are read.
  var applied: UInt64
  /// This server's commits already applied: their entries are read but name no rows.
  var own: [UInt64]

  /// One result row.
  enum Row {
    /// The last revision pruned, and an entry (nil when none follows `applied`): its revision,
    /// the store's revision in the snapshot, and whether its keys are written as this server
    /// writes them.
    case entry(pruned: UInt64, entry: (revision: UInt64, current: UInt64, readable: Bool)?)
    /// A pool named by an entry, with its live members (unsorted).
    case pool(ClusterPool, members: [String])
    case cluster(Cluster)
    /// A queue key named by an entry and its row; nil: removed.
    case queue(QueueKey, Queue?)
    /// An identity or access key named by an entry and its row; nil: removed. Keys of a kind
    /// this server does not know are none (nil, nil).
    case access(AccessKey?, AccessRow?)
  }

  static let bindingDataTypes: [PostgresDataType] = [.int8, .int8Array]

  func makeBindings() throws -> PostgresBindings {
    var bindings = PostgresBindings(capacity: 2)
    bindings.append(Int64(bitPattern: applied))
    bindings.append(own.map { Int64(bitPattern: $0) })
    return bindings
  }

  func decodeRow(_ row: PostgresRow) throws -> Row {
    let random = row.makeRandomAccess()
    let part = try PostgresColumns(random, "change log").int32(0)
    switch part {
    case 0:
      let columns = PostgresColumns(random, "change log", from: Layout.entry)
      let pruned = UInt64(bitPattern: try columns.int(0))
      guard let revision = try columns.decode(1, Int64?.self) else { return .entry(pruned: pruned, entry: nil) }
      return .entry(
        pruned: pruned,
        entry: (UInt64(bitPattern: revision), UInt64(bitPattern: try columns.int(2)), try columns.bool(3)))
    case 1:
      let pool = try PostgresPoolRows.pool(PostgresColumns(random, "cluster pool", from: Layout.pool))
      return .pool(pool, members: try PostgresColumns(random, "cluster pool", from: Layout.members).decode(0, [String].self))
    case 2:
      return .cluster(try PostgresClusterRows.cluster(PostgresColumns(random, "cluster", from: Layout.cluster)))
    case 3:
      let key = PostgresColumns(random, "queue", from: Layout.queueKey)
      let queueKey = QueueKey(
        organization: Organization(stored: try key.text(0)), name: try ResourceName(validating: try key.text(1), kind: "queue"))
      let columns = PostgresColumns(random, "queue", from: Layout.queue)
      guard try columns.decode(0, String?.self) != nil else { return .queue(queueKey, nil) }
      return .queue(queueKey, try PostgresQueueRows.queue(columns))
    default:
      let columns = PostgresColumns(random, "identity", from: Layout.access)
      guard let kind = AccessKind(rawValue: try columns.text(0)) else { return .access(nil, nil) }
      guard try columns.decode(3, String?.self) != nil else {
        return .access(AccessKey(kind, Organization(stored: try columns.text(1)), try columns.text(2)), nil)
      }
      return .access(nil, try PostgresAccessRows.accessRow(columns))
    }
  }
}

extension PostgresChangeStatement {
  /// Where each kind's columns start.
  enum Layout {
    static let entry = 1
    static let pool = entry + Sections.entry.count
    static let members = pool + Sections.pools.count
    static let cluster = members + 1
    static let queueKey = cluster + Sections.clusters.count
    static let queue = queueKey + 2
    static let access = queue + Sections.queues.count
  }

  /// Each kind's column expressions, as its own part selects them and as the others pad them.
  enum Sections {
    static let entry = ["p.pruned", "l.revision", "l.current", "l.readable"]
    static let entryNulls = ["NULL::bigint", "NULL::bigint", "NULL::bigint", "NULL::boolean"]
    static let pools = list(PostgresPoolRows.columns)
    static let clusters = list(PostgresClusterRows.columns)
    static let queues = list(PostgresQueueRows.columns)
    static let access = ["k.a", "k.b", "k.c", "t.body::text"]

    /// Every column of one part: its own `own`, NULL for the others'.
    static func row(_ part: Int, _ own: [String]) -> String {
      let sections: [[String]] = [
        entryNulls,
        pools.map { "(NULL::cluster_pools).\($0)" } + ["NULL::text[]"],
        clusters.map { "(NULL::clusters).\($0)" },
        ["NULL::text", "NULL::text"] + queues.map { "(NULL::queues).\($0)" },
        ["NULL::text", "NULL::text", "NULL::text", "NULL::text"],
      ]
      var columns = ["\(part)"]
      for (index, nulls) in sections.enumerated() { columns += index == part ? own : nulls }
      return columns.joined(separator: ", ")
    }

    /// The column expressions of a list like ``PostgresPoolRows/columns``.
    static func list(_ columns: String) -> [String] {
      columns.split(separator: ",").map { String($0.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()) }
    }
  }

  /// The settings of the follower's connection, set once when it connects: the statement's
  /// plan made once per connection (its custom plan took ~1 ms to make at each catch-up, more
  /// than running it), and made of index scans key by key whatever the tables' statistics: a
  /// generic plan is made at the first catch-up, often on a fresh database's empty tables,
  /// where PostgreSQL would pick sequential scans and hash joins and keep them until an
  /// autovacuum analyzes the tables (15-20 ms a catch-up at 30,000 pools). No JIT
  /// compilation: the key lists' estimated sizes (100 rows per JSON set function) put the
  /// statement over `jit_above_cost`, and compiling took 300 ms.
  static let session: PostgresQuery = """
    SELECT set_config('plan_cache_mode', 'force_generic_plan', false), set_config('jit', 'off', false),
      set_config('enable_seqscan', 'off', false), set_config('enable_hashjoin', 'off', false),
      set_config('enable_mergejoin', 'off', false)
    """

  static let sql = """
    WITH e AS MATERIALIZED (
      SELECT revision, changes FROM change_log WHERE revision > $1 ORDER BY revision LIMIT \(PostgresChangeReader.batchLimit)
    ), k AS MATERIALIZED (
      SELECT DISTINCT CASE x.key WHEN 'removed_queues' THEN 'queues' ELSE x.key END AS kind,
        j.value->>0 AS a, j.value->>1 AS b, j.value->>2 AS c
      FROM e
      CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(e.changes) = 'object' THEN e.changes ELSE '{}' END) AS x
      CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(x.value) = 'array' THEN x.value ELSE '[]' END) AS j
      WHERE e.revision <> ALL($2::bigint[])
    )
    SELECT \(Sections.row(0, Sections.entry))
    FROM (SELECT coalesce(max(value), 0) AS pruned FROM store_info WHERE key = 'pruned_through') AS p
    LEFT JOIN LATERAL (
      SELECT revision, (SELECT value FROM store_info WHERE key = 'revision') AS current, \(readable) AS readable FROM e
    ) AS l ON true
    UNION ALL
    SELECT \(Sections.row(1, Sections.pools.map { "t.\($0)" } + ["t.members"]))
    FROM k CROSS JOIN LATERAL (
      SELECT *, ARRAY(
        SELECT c.name FROM clusters c
        WHERE c.organization = p.organization AND c.pool_name = p.name AND c.deleted_at_ns IS NULL
      ) AS members
      FROM cluster_pools p WHERE p.organization = k.a AND p.name = k.b
    ) AS t
    WHERE k.kind = 'pools'
    UNION ALL
    SELECT \(Sections.row(2, Sections.clusters.map { "t.\($0)" }))
    FROM k CROSS JOIN LATERAL (SELECT * FROM clusters c WHERE c.organization = k.a AND c.name = k.b) AS t
    WHERE k.kind = 'clusters'
    UNION ALL
    SELECT \(Sections.row(3, ["k.a", "k.b"] + Sections.queues.map { "t.\($0)" }))
    FROM k LEFT JOIN LATERAL (SELECT * FROM queues q WHERE q.organization = k.a AND q.name = k.b) AS t ON true
    WHERE k.kind = 'queues'
    UNION ALL
    SELECT \(Sections.row(4, Sections.access))
    FROM k LEFT JOIN LATERAL (
      SELECT * FROM access_objects o WHERE o.kind = k.a AND o.organization = k.b AND o.name = k.c
    ) AS t ON true
    WHERE k.kind = 'access'
    """

  /// Whether an entry's keys are written as this server writes them (``PostgresChangeLog``):
  /// an object of the known lists, each of [organization, name] (identity and access:
  /// [kind, organization, name]) arrays. Guarded by CASE so that no other shape raises an error.
  static let readable = """
    CASE WHEN jsonb_typeof(e.changes) <> 'object' THEN false ELSE NOT EXISTS (
        SELECT 1 FROM jsonb_each(e.changes) AS x WHERE
          CASE WHEN x.key NOT IN ('pools', 'clusters', 'queues', 'removed_queues', 'access')
            OR jsonb_typeof(x.value) <> 'array' THEN true
          ELSE EXISTS (
            SELECT 1 FROM jsonb_array_elements(x.value) AS j WHERE
              CASE WHEN jsonb_typeof(j.value) <> 'array' THEN true
              ELSE jsonb_array_length(j.value) <> CASE x.key WHEN 'access' THEN 3 ELSE 2 END END)
          END)
      END
    """
}
