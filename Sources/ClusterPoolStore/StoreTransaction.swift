internal import ClusterPoolDomain

/// What a write sees inside the batch transaction, on the writer thread: the connection,
/// the time of the batch, and the revision counter. ClusterService and QueueService writes
/// run through the same type, so a rule spanning pools, clusters and queues is checked and
/// applied in one transaction.
struct StoreTransaction {
  let connection: SQLiteConnection
  /// The time recorded for every change of this batch.
  let now: Timestamp
  /// How a `default` pool looks before it is first written.
  let defaultPool: DefaultPoolTemplate
  /// Last revision handed out.
  private(set) var revision: UInt64
  /// Live members of the pools whose membership a write of this batch changed, kept current
  /// by the cluster writes so that each reads a pool's members once per batch, not once per
  /// registration. Part of the value: a write rolled back to its savepoint restores it.
  var members: [PoolKey: [ResourceName]] = [:]

  init(connection: SQLiteConnection, now: Timestamp, defaultPool: DefaultPoolTemplate, revision: UInt64) {
    self.connection = connection
    self.now = now
    self.defaultPool = defaultPool
    self.revision = revision
  }

  /// A new revision, higher than every one before.
  mutating func nextRevision() -> UInt64 {
    revision += 1
    return revision
  }
}

/// A change queued for the writer thread.
struct Write: Sendable {
  /// Checks the rules and writes, inside its own savepoint of the batch transaction;
  /// throwing rolls back this write only. Returns what to publish and how to answer once the
  /// commit is durable.
  let apply: @Sendable (inout StoreTransaction) throws -> Committed
  /// Answers the caller when the write was rejected or could not be committed.
  let fail: @Sendable (DomainError) -> Void
}

/// A write that succeeded in its savepoint, waiting for the commit.
struct Committed: Sendable {
  /// Pool rows to publish to the catalog after the commit.
  var pools: [ClusterPool]
  /// Answers the caller after the catalog shows the change.
  var reply: @Sendable () -> Void
  /// Cluster rows to publish after the commit.
  var clusters: [Cluster] = []
  /// Rows of queues of their own to publish after the commit.
  var queues: [Queue] = []
}

/// The pool writes: materialize the organization's `default` pool on its first write, read
/// the pool and its references, apply the rule, store the result.
enum PoolWrites {
  static func apply(_ command: PoolCommand, by actor: Identity, in tx: inout StoreTransaction) throws -> [ClusterPool] {
    let key = command.key
    var written: [ClusterPool] = []
    if let pool = try materializeDefault(key.organization, in: &tx), !key.name.isDefault { written.append(pool) }
    let existing = try PoolRows.select(tx.connection, key)
    let references = try PoolRows.references(tx.connection, key)
    var pool = try ClusterPoolRules.apply(command, existing: existing, references: references, by: actor, at: tx.now)
    pool.revision = tx.nextRevision()
    try PoolRows.upsert(tx.connection, pool)
    written.append(pool)
    return written
  }

  /// Stores the organization's `default` pool when it was never written; returns it then.
  /// It is stored as readers saw it before (the template's times and author), inside the
  /// write's own transaction: the single writer makes two first writes of an organization
  /// store it once, and a rejected write stores nothing.
  static func materializeDefault(_ organization: Organization, in tx: inout StoreTransaction) throws -> ClusterPool? {
    let defaultKey = PoolKey(organization: organization, name: .defaultName)
    guard try PoolRows.select(tx.connection, defaultKey) == nil else { return nil }
    var pool = tx.defaultPool.pool(for: organization)
    pool.revision = tx.nextRevision()
    try PoolRows.upsert(tx.connection, pool)
    return pool
  }
}
