internal import ClusterPoolStore
internal import ClusterPoolDomain

/// The database schema as ordered migrations. `PRAGMA user_version` holds the number of
/// migrations applied; at start every missing one runs, each in its own transaction. Append
/// new migrations (clusters' and queues' own columns come next); never edit a released one.
enum SQLiteSchema {
  static let migrations: [StaticString] = [
    // 1: cluster pools, plus the cluster and queue columns pools depend on (membership and
    // delete guards); ClusterService and QueueService extend these tables in later migrations.
    """
    CREATE TABLE cluster_pools (
      organization TEXT NOT NULL,
      name TEXT NOT NULL,
      object_store_uri TEXT NOT NULL,
      object_store_endpoint TEXT NOT NULL DEFAULT '',
      secret_store_type INTEGER NOT NULL,
      secret_store_locator TEXT NOT NULL DEFAULT '',
      image_registry TEXT NOT NULL DEFAULT '',
      created_at_ns INTEGER NOT NULL,
      updated_at_ns INTEGER NOT NULL,
      deleted_at_ns INTEGER,
      created_by TEXT NOT NULL,
      updated_by TEXT NOT NULL,
      revision INTEGER NOT NULL,
      PRIMARY KEY (organization, name)
    ) WITHOUT ROWID;
    CREATE TABLE clusters (
      organization TEXT NOT NULL,
      name TEXT NOT NULL,
      pool_name TEXT NOT NULL,
      created_at_ns INTEGER NOT NULL,
      updated_at_ns INTEGER NOT NULL,
      deleted_at_ns INTEGER,
      PRIMARY KEY (organization, name)
    ) WITHOUT ROWID;
    CREATE INDEX clusters_by_pool ON clusters (organization, pool_name) WHERE deleted_at_ns IS NULL;
    CREATE TABLE queues (
      organization TEXT NOT NULL,
      name TEXT NOT NULL,
      pool_name TEXT NOT NULL,
      created_at_ns INTEGER NOT NULL,
      updated_at_ns INTEGER NOT NULL,
      deleted_at_ns INTEGER,
      PRIMARY KEY (organization, name)
    ) WITHOUT ROWID;
    CREATE INDEX queues_by_pool ON queues (organization, pool_name) WHERE deleted_at_ns IS NULL;
    PRAGMA user_version = 1;
    """,
    // 2: cluster lifecycles and authorship; the implicit queue's flag and queue lifecycles.
    """
    ALTER TABLE clusters ADD COLUMN state TEXT NOT NULL DEFAULT 'ACTIVE';
    ALTER TABLE clusters ADD COLUMN generation INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE clusters ADD COLUMN has_reported INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE clusters ADD COLUMN created_by TEXT NOT NULL DEFAULT 'app:unknown';
    ALTER TABLE clusters ADD COLUMN updated_by TEXT NOT NULL DEFAULT 'app:unknown';
    ALTER TABLE queues ADD COLUMN cluster_managed INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE queues ADD COLUMN state TEXT NOT NULL DEFAULT 'ACTIVE';
    ALTER TABLE queues ADD COLUMN state_generation INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE queues ADD COLUMN created_by TEXT NOT NULL DEFAULT 'app:unknown';
    ALTER TABLE queues ADD COLUMN updated_by TEXT NOT NULL DEFAULT 'app:unknown';
    PRAGMA user_version = 2;
    """,
    // 3: queue specs (limits, ordering, pins as ",a,b,"; implicit queues leave them at 0/'').
    """
    ALTER TABLE queues ADD COLUMN run_concurrency INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE queues ADD COLUMN action_concurrency INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE queues ADD COLUMN depth INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE queues ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE queues ADD COLUMN fairness INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE queues ADD COLUMN scheduling INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE queues ADD COLUMN clusters TEXT NOT NULL DEFAULT '';
    PRAGMA user_version = 3;
    """,
    // 4: cluster health soft state, saved on an interval and at shutdown (never per report):
    // the last report's time and data plane, for the registration it was saved for.
    """
    CREATE TABLE cluster_health (
      organization TEXT NOT NULL,
      name TEXT NOT NULL,
      registered_at_ns INTEGER NOT NULL,
      last_seen_ns INTEGER NOT NULL,
      has_report INTEGER NOT NULL DEFAULT 0,
      object_store_uri TEXT NOT NULL DEFAULT '',
      object_store_endpoint TEXT NOT NULL DEFAULT '',
      secret_store_type INTEGER NOT NULL DEFAULT 0,
      secret_store_locator TEXT NOT NULL DEFAULT '',
      image_registry TEXT NOT NULL DEFAULT '',
      PRIMARY KEY (organization, name)
    ) WITHOUT ROWID;
    PRAGMA user_version = 4;
    """,
    // 5: when the database was made: the creation time of every organization's implicit
    // `default` pool, so it reads the same before its first write, after it and across restarts.
    """
    CREATE TABLE store_info (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
    INSERT INTO store_info VALUES
      ('created_at_ns', CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER) * 1000000);
    PRAGMA user_version = 5;
    """,
    // 6: queue resource and accelerator caps (QueueSpec.max_resources, max_accelerators), as
    // JSON text (QueueCapColumns); '' for none.
    """
    ALTER TABLE queues ADD COLUMN max_resources TEXT NOT NULL DEFAULT '';
    ALTER TABLE queues ADD COLUMN max_accelerators TEXT NOT NULL DEFAULT '';
    PRAGMA user_version = 6;
    """,
    // 7: identity and access objects (apps, roles, policies, users, assignments): the key
    // columns and the object as JSON (AccessRow; encoded by the store core).
    """
    CREATE TABLE access_objects (
      kind TEXT NOT NULL,
      organization TEXT NOT NULL,
      name TEXT NOT NULL,
      body TEXT NOT NULL,
      PRIMARY KEY (kind, organization, name)
    ) WITHOUT ROWID;
    PRAGMA user_version = 7;
    """,
    // 8: the signing keys of access tokens (SQLiteSigningKeys). IF NOT EXISTS: servers before
    // this migration created the table outside the numbered ones, and their keys stay.
    """
    CREATE TABLE IF NOT EXISTS signing_keys (
      id TEXT PRIMARY KEY,
      algorithm TEXT NOT NULL,
      private_key TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      retired_at INTEGER
    ) WITHOUT ROWID;
    PRAGMA user_version = 8;
    """,
    // 9: the audit log: each organization's hash-chained records (AuditRecord; hashes as hex),
    // and the anchor retention leaves where it removed a chain's oldest records.
    """
    CREATE TABLE audit_records (
      organization TEXT NOT NULL,
      sequence INTEGER NOT NULL,
      time_ns INTEGER NOT NULL,
      identity_kind TEXT NOT NULL,
      identity_subject TEXT NOT NULL,
      method TEXT NOT NULL,
      target_kind TEXT NOT NULL,
      target_name TEXT NOT NULL,
      outcome_code INTEGER NOT NULL,
      outcome_message TEXT NOT NULL,
      request_id TEXT NOT NULL,
      peer TEXT NOT NULL,
      count INTEGER NOT NULL,
      previous_hash TEXT NOT NULL,
      hash TEXT NOT NULL,
      PRIMARY KEY (organization, sequence)
    ) WITHOUT ROWID;
    CREATE TABLE audit_anchors (
      organization TEXT PRIMARY KEY,
      sequence INTEGER NOT NULL,
      hash TEXT NOT NULL
    ) WITHOUT ROWID;
    PRAGMA user_version = 9;
    """,
  ]

  /// The migration that makes the `signing_keys` table (``SQLiteSigningKeys``).
  static let signingKeysVersion: Int64 = 8

  /// When the database was made (migration 5), in nanoseconds since the epoch.
  static func createdAt(_ connection: SQLiteConnection) throws -> Timestamp {
    guard let value = try connection.integer("SELECT value FROM store_info WHERE key = 'created_at_ns'") else {
      throw StoreOpenError("the database has no creation time (store_info)")
    }
    return Timestamp(nanosecondsSinceEpoch: value)
  }

  /// The last revision committed (`store_info.revision`, written by every commit that
  /// changed rows); 0 when none was (pools' own revisions count too, see ``SQLiteBackend``).
  static func revision(_ connection: SQLiteConnection) throws -> UInt64 {
    UInt64(bitPattern: try connection.integer("SELECT value FROM store_info WHERE key = 'revision'") ?? 0)
  }

  /// Records `revision` as the last one committed, inside the committing transaction.
  static func saveRevision(_ connection: SQLiteConnection, _ revision: UInt64) throws {
    try connection.run(
      "INSERT OR REPLACE INTO store_info (key, value) VALUES ('revision', ?1)", [.integer(Int64(bitPattern: revision))])
  }

  /// Applies the missing migrations; throws when the file is newer than this code.
  static func migrate(_ connection: SQLiteConnection) throws {
    let current = Int(try connection.integer("PRAGMA user_version") ?? 0)
    guard current <= migrations.count else {
      throw StoreOpenError(
        "the database schema version \(current) is newer than this server's (\(migrations.count)): run a newer server")
    }
    for migration in migrations[current...] {
      try connection.executeScript("BEGIN IMMEDIATE")
      do {
        try connection.executeScript(migration)
        try connection.executeScript("COMMIT")
      } catch {
        try? connection.executeScript("ROLLBACK")
        throw error
      }
    }
  }

  /// Connection settings: WAL, fsync on every commit (`synchronous=FULL`), lock waits, and a
  /// page cache of 512 KiB instead of SQLite's 2 MB: reads are served from memory, so the
  /// cache only holds what writes touch (B-tree pages the OS caches anyway), and a full read
  /// (loading every row at start, an audit prune) would otherwise leave 2 MB per connection
  /// that malloc never gives back.
  static func configure(_ connection: SQLiteConnection) throws {
    try connection.run("PRAGMA journal_mode=WAL") { _ in }
    try connection.executeScript(
      "PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON; PRAGMA cache_size=-512;")
  }
}
