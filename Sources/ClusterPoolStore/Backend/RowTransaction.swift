public import ClusterPoolDomain

/// One open transaction of a ``StorageBackend``, as the store core drives it: the rules and
/// write logic live in the core and reach storage only through these row reads and writes.
///
/// The core runs a batch of writes one after another inside a transaction: first it calls
/// ``lock(_:)`` once with every organization the batch touches (before any read), then for
/// each write ``beginWrite()``, the write's reads and upserts, and ``endWrite(keeping:)``. A write
/// that throws ends with `keeping: false` and must leave no trace (a savepoint rolled back, or
/// its own transaction rolled back), while the writes before it stay. ``commit(_:)`` ends the
/// transaction with the change set of every kept write (a backend with a change log stores
/// it in the same transaction); ``rollback()`` abandons it.
///
/// Rows are domain values: a pool row's `memberClusters` is derived by the core and not
/// stored; a cluster's implicit queue is a ``Queue`` row of its own with
/// `lifecycle.clusterManaged` set, written by the core next to its cluster.
///
/// A transaction is used by one task at a time and never after it ended.
public protocol RowTransaction: AnyObject {
  /// Declares that the transaction reads and writes rows of `organizations` (each once, in
  /// ascending order of name, so that transactions locking the same ones on several servers
  /// never deadlock): a backend shared by several servers serializes writes per organization
  /// from here to the end of the transaction (e.g. PostgreSQL's `pg_advisory_xact_lock` for
  /// each, in that order, in one statement). Called once, right after ``StorageBackend/begin()``
  /// and before any read; a failure fails the whole transaction.
  func lock(_ organizations: [Organization]) async throws

  /// Reads ahead the rows the batch's writes will read (a hint, see ``RowKeys``), right after
  /// ``lock(_:)``; later reads of them are then served without the database. A backend whose
  /// reads are cheap ignores it (the default).
  func prefetch(_ keys: RowKeys) async throws

  /// Starts one write inside the transaction (e.g. a savepoint).
  func beginWrite() async throws

  /// Ends the write started by ``beginWrite()``: keeps its changes, or undoes every row
  /// change and revision it made since (`keeping: false`, after it threw).
  func endWrite(keeping: Bool) async throws

  /// Commits the transaction, storing `changes` (the kept writes' rows, with
  /// `changes.revision` the last revision handed out) in the change log when the backend has
  /// one. Returns once the commit is durable, with the revision the commit ended at:
  /// `changes.revision`, or a later one when the backend orders commits of several servers
  /// by a revision taken at commit (PostgreSQL); throws when it is not (nothing was written).
  @discardableResult
  func commit(_ changes: ChangeSet) async throws -> UInt64

  /// Abandons the transaction; nothing of it is written.
  func rollback() async

  /// Ends the transaction of a dry run (``StoreDryRun``) as ``rollback()`` does, nothing
  /// written, after making every check of the rows that ``commit(_:)`` of `changes` would make
  /// (e.g. sending the rows to a database that checks them only at commit, then `ROLLBACK`):
  /// throws what ``commit(_:)`` would have thrown for them. A backend that checks each row as
  /// it is written just rolls back. Nothing of it is published or told to followers.
  func rehearse(_ changes: ChangeSet) async throws

  /// A new revision, higher than every revision committed or handed out before.
  func nextRevision() async throws -> UInt64

  // MARK: reads

  /// The stored pool row of `key`, live or deleted (`memberClusters` empty); nil when none.
  func pool(_ key: PoolKey) async throws -> ClusterPool?

  /// The live clusters and live queues (implicit ones included) whose pool is `key`.
  func poolReferences(_ key: PoolKey) async throws -> PoolReferences

  /// The stored cluster row of `key`, live or deleted; nil when none.
  func cluster(_ key: ClusterKey) async throws -> Cluster?

  /// The stored queue row of `key` (a queue of its own, or a cluster's implicit one with
  /// `lifecycle.clusterManaged` set), live or deleted; nil when none.
  func queue(_ key: QueueKey) async throws -> Queue?

  /// Names of the live queues of their own in `key`'s organization that pin the cluster
  /// `key` (`spec.clusters` holds its name), sorted.
  func queuesPinning(_ key: ClusterKey) async throws -> [ResourceName]

  /// The identity and access row of `key`; nil when none.
  func accessRow(_ key: AccessKey) async throws -> AccessRow?

  /// The identity and access rows of `kind` in `organization`, in any order.
  func accessRows(_ kind: AccessKind, in organization: Organization) async throws -> [AccessRow]

  // MARK: writes

  /// Inserts or replaces the row of `pool` (its `memberClusters` is not stored).
  func upsert(_ pool: ClusterPool) async throws

  /// Inserts or replaces the row of `cluster` (only the cluster: its implicit queue is
  /// written by the core as a queue row).
  func upsert(_ cluster: Cluster) async throws

  /// Inserts or replaces the row of `queue`, of its own or implicit.
  func upsert(_ queue: Queue) async throws

  /// Removes the queue row of `key`, if any.
  func deleteQueue(_ key: QueueKey) async throws

  /// Inserts or replaces the saved health row of `record.key` (the core checked that its
  /// registration is the live cluster's).
  func saveHealth(_ record: ClusterHealthRecord) async throws

  /// Removes the saved health row of `key`, if any.
  func deleteHealth(_ key: ClusterKey) async throws

  /// Inserts or replaces the identity and access row of `row.key`.
  func upsert(_ row: AccessRow) async throws

  /// Removes the identity and access row of `key`, if any.
  func deleteAccessRow(_ key: AccessKey) async throws

  // MARK: the audit log

  /// Where `organization`'s audit chain ends as of this transaction (its last record, else its
  /// anchor, else ``AuditChainHead/empty``); read under the organization's lock, so no other
  /// server appends to the chain until this transaction ends.
  func auditHead(_ organization: Organization) async throws -> AuditChainHead

  /// Appends `record` (sealed onto its chain by the core) to the audit log; undone with the
  /// write like any row.
  func append(_ record: AuditRecord) async throws
}

extension RowTransaction {
  public func prefetch(_ keys: RowKeys) async throws {}
}
