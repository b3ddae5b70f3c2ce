/// The PostgreSQL schema as ordered migrations, each a list of statements run in one
/// transaction and recorded in `schema_migrations` (``PostgresMigrator``). It mirrors the
/// SQLite schema (pools, clusters, queues with caps, cluster health, the store's creation time
/// and last revision; deleted rows kept with `deleted_at_ns`, generations and authorship) in
/// PostgreSQL's types, plus what replicas need: the change log and heartbeats. Append new
/// migrations; never edit a released one.
enum PostgresSchema {
  struct Migration: Sendable {
    var version: Int
    var name: String
    var statements: [String]
  }

  static let migrations: [Migration] = [
    Migration(
      version: 1, name: "pools, clusters, queues, health, store info, change log, heartbeats",
      statements: [
        """
        CREATE TABLE cluster_pools (
          organization TEXT NOT NULL,
          name TEXT NOT NULL,
          object_store_uri TEXT NOT NULL,
          object_store_endpoint TEXT NOT NULL DEFAULT '',
          secret_store_type INTEGER NOT NULL,
          secret_store_locator TEXT NOT NULL DEFAULT '',
          image_registry TEXT NOT NULL DEFAULT '',
          created_at_ns BIGINT NOT NULL,
          updated_at_ns BIGINT NOT NULL,
          deleted_at_ns BIGINT,
          created_by TEXT NOT NULL,
          updated_by TEXT NOT NULL,
          revision BIGINT NOT NULL,
          PRIMARY KEY (organization, name)
        )
        """,
        // A cluster's lifecycle (state, generation, whether it has reported) and authorship.
        """
        CREATE TABLE clusters (
          organization TEXT NOT NULL,
          name TEXT NOT NULL,
          pool_name TEXT NOT NULL,
          state TEXT NOT NULL,
          generation BIGINT NOT NULL,
          has_reported BOOLEAN NOT NULL,
          created_at_ns BIGINT NOT NULL,
          updated_at_ns BIGINT NOT NULL,
          deleted_at_ns BIGINT,
          created_by TEXT NOT NULL,
          updated_by TEXT NOT NULL,
          PRIMARY KEY (organization, name)
        )
        """,
        "CREATE INDEX clusters_by_pool ON clusters (organization, pool_name) WHERE deleted_at_ns IS NULL",
        // Queues of their own and clusters' implicit ones (cluster_managed, no spec); the spec's
        // pinned clusters as an array, the caps as JSON (PostgresCapColumns).
        """
        CREATE TABLE queues (
          organization TEXT NOT NULL,
          name TEXT NOT NULL,
          pool_name TEXT NOT NULL,
          cluster_managed BOOLEAN NOT NULL,
          state TEXT NOT NULL,
          state_generation BIGINT NOT NULL,
          run_concurrency BIGINT NOT NULL DEFAULT 0,
          action_concurrency BIGINT NOT NULL DEFAULT 0,
          depth BIGINT NOT NULL DEFAULT 0,
          priority INTEGER NOT NULL DEFAULT 0,
          fairness INTEGER NOT NULL DEFAULT 0,
          scheduling INTEGER NOT NULL DEFAULT 0,
          clusters TEXT[] NOT NULL DEFAULT '{}',
          max_resources JSONB NOT NULL DEFAULT '[]',
          max_accelerators JSONB NOT NULL DEFAULT '[]',
          created_at_ns BIGINT NOT NULL,
          updated_at_ns BIGINT NOT NULL,
          deleted_at_ns BIGINT,
          created_by TEXT NOT NULL,
          updated_by TEXT NOT NULL,
          PRIMARY KEY (organization, name)
        )
        """,
        "CREATE INDEX queues_by_pool ON queues (organization, pool_name) WHERE deleted_at_ns IS NULL",
        // Saved health of a cluster's registration (registered_at_ns = its created_at_ns).
        """
        CREATE TABLE cluster_health (
          organization TEXT NOT NULL,
          name TEXT NOT NULL,
          registered_at_ns BIGINT NOT NULL,
          last_seen_ns BIGINT NOT NULL,
          has_report BOOLEAN NOT NULL DEFAULT false,
          object_store_uri TEXT NOT NULL DEFAULT '',
          object_store_endpoint TEXT NOT NULL DEFAULT '',
          secret_store_type INTEGER NOT NULL DEFAULT 0,
          secret_store_locator TEXT NOT NULL DEFAULT '',
          image_registry TEXT NOT NULL DEFAULT '',
          PRIMARY KEY (organization, name)
        )
        """,
        // created_at_ns: the implicit default pools' creation time; revision: the last one
        // committed, updated in each write's transaction (its row lock orders commits).
        "CREATE TABLE store_info (key TEXT PRIMARY KEY, value BIGINT NOT NULL)",
        """
        INSERT INTO store_info (key, value) VALUES
          ('created_at_ns', (EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::BIGINT * 1000),
          ('revision', 0)
        """,
        // One row per committed write transaction, in its transaction: the organizations it
        // touched and the keys of the rows it wrote (followers read those rows).
        """
        CREATE TABLE change_log (
          revision BIGINT PRIMARY KEY,
          organizations TEXT[] NOT NULL,
          changes JSONB NOT NULL,
          committed_at TIMESTAMPTZ NOT NULL DEFAULT now()
        )
        """,
        // The newest heartbeat any replica saw of a cluster's registration.
        """
        CREATE TABLE cluster_heartbeats (
          organization TEXT NOT NULL,
          name TEXT NOT NULL,
          registered_at_ns BIGINT NOT NULL,
          last_seen_ns BIGINT NOT NULL,
          replica TEXT NOT NULL,
          PRIMARY KEY (organization, name)
        )
        """,
      ]),
    // Which server wrote each change log row (a follower skips its own server's commits).
    Migration(
      version: 2, name: "change log: the writing replica",
      statements: ["ALTER TABLE change_log ADD COLUMN replica TEXT NOT NULL DEFAULT ''"]),
    // Identity and access objects (apps, roles, policies, users, assignments): the key
    // columns and the object as JSON (AccessRow; encoded by the store core).
    Migration(
      version: 3, name: "identity and access objects",
      statements: [
        """
        CREATE TABLE access_objects (
          kind TEXT NOT NULL,
          organization TEXT NOT NULL,
          name TEXT NOT NULL,
          body JSONB NOT NULL,
          PRIMARY KEY (kind, organization, name)
        )
        """
      ]),
    // The newest status report any replica received (reported_at_ns 0: none) and which one
    // (a later heartbeat of another replica leaves it), so that drift reported to one replica
    // is read on all.
    Migration(
      version: 4, name: "heartbeats: the last status report",
      statements: [
        """
        ALTER TABLE cluster_heartbeats
          ADD COLUMN reported_at_ns BIGINT NOT NULL DEFAULT 0,
          ADD COLUMN has_report BOOLEAN NOT NULL DEFAULT false,
          ADD COLUMN object_store_uri TEXT NOT NULL DEFAULT '',
          ADD COLUMN object_store_endpoint TEXT NOT NULL DEFAULT '',
          ADD COLUMN secret_store_type INTEGER NOT NULL DEFAULT 0,
          ADD COLUMN secret_store_locator TEXT NOT NULL DEFAULT '',
          ADD COLUMN image_registry TEXT NOT NULL DEFAULT '',
          ADD COLUMN reported_by TEXT NOT NULL DEFAULT ''
        """
      ]),
    // The signing keys of access tokens (PostgresSigningKeys). IF NOT EXISTS: servers before
    // this migration created the table outside the numbered ones (under the migration lock),
    // and their keys stay.
    Migration(
      version: 5, name: "signing keys",
      statements: [
        """
        CREATE TABLE IF NOT EXISTS signing_keys (
          id TEXT PRIMARY KEY, algorithm TEXT NOT NULL, private_key TEXT NOT NULL,
          created_at BIGINT NOT NULL, retired_at BIGINT
        )
        """,
      ]),
    // The audit log: each organization's hash-chained records (AuditRecord; hashes as hex),
    // appended under the organization's lock, and the anchor retention leaves where it removed
    // a chain's oldest records.
    Migration(
      version: 6, name: "audit log",
      statements: [
        """
        CREATE TABLE audit_records (
          organization TEXT NOT NULL,
          sequence BIGINT NOT NULL,
          time_ns BIGINT NOT NULL,
          identity_kind TEXT NOT NULL,
          identity_subject TEXT NOT NULL,
          method TEXT NOT NULL,
          target_kind TEXT NOT NULL,
          target_name TEXT NOT NULL,
          outcome_code INTEGER NOT NULL,
          outcome_message TEXT NOT NULL,
          request_id TEXT NOT NULL,
          peer TEXT NOT NULL,
          count BIGINT NOT NULL,
          previous_hash TEXT NOT NULL,
          hash TEXT NOT NULL,
          PRIMARY KEY (organization, sequence)
        )
        """,
        """
        CREATE TABLE audit_anchors (organization TEXT PRIMARY KEY, sequence BIGINT NOT NULL, hash TEXT NOT NULL)
        """,
      ]),
  ]

  /// The advisory lock (two-key form: class, key) held while migrating, so that servers
  /// starting together migrate once.
  static let migrationLock = (classID: Int32(0x4350_0001), key: Int32(0))
  /// The class of the per-organization write locks (`pg_advisory_xact_lock(class, hashtext(org))`).
  static let organizationLockClass = Int32(0x4350_0002)
}
