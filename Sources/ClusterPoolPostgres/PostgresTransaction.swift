public import ClusterPoolDomain
public import ClusterPoolStore
internal import NIOCore
internal import PostgresNIO

/// A transaction of the ``PostgresBackend`` on a leased connection: `BEGIN`; the advisory
/// locks of every organization of the batch before its first read (held to the end); a
/// savepoint per write, made before the write's first row change (a write rejected by its
/// reads costs no round trip); at commit one statement takes the commit's revision, writes
/// the change log row and notifies followers, then `COMMIT`. Every error names the database.
///
/// Revision order (how followers apply other servers' commits without skipping one): the
/// global revision (`store_info.revision`) is taken only at commit, by
/// `UPDATE ... SET value = GREATEST(value + 1, last) RETURNING value` as the last statement
/// before `COMMIT`. Its row lock is held from that statement to the end of the commit, so
/// commits that change rows are strictly ordered by revision across servers: when a follower
/// sees revision N committed, every lower revision that will ever exist is committed and
/// visible too, and a gap (when `last` jumped ahead) is never filled later. The lock is held
/// for one statement and the commit, not across the transaction's writes, so organizations no
/// longer wait for each other's writes (only for each other's commit). Weighed and left: a
/// sequence with followers waiting past gaps until the gap's transaction is known finished
/// (`pg_snapshot_xmin`) — no lock at all, but a follower can never tell a rolled back number
/// from a slow one without tracking transaction ids; and per-organization revision streams —
/// a single revision per response (`clusterpool-revision`) would no longer mean anything.
/// Revisions handed out during writes (pools' own `revision`) are the counter as read (not
/// locked) plus one per write: monotonic per pool because its organization's lock is held,
/// and never above the commit's revision, which is at least the last of them.
public final class PostgresTransaction: RowTransaction {
  private let backend: PostgresBackend
  private let lease: PostgresLease
  private var connection: PostgresConnection { lease.connection }
  private var logger: Logger { backend.logger }
  /// The last revision handed out; nil until the counter is first read.
  private var revision: UInt64?
  /// ``revision`` when the current write began.
  private var savedRevision: UInt64?
  /// Organizations whose advisory lock this transaction holds.
  private var locked: Set<String> = []
  /// Whether the current write has made its savepoint (before its first row change).
  private var savepointMade = false
  /// Rows read or written in this transaction, so a batch reads each at most once (e.g. the
  /// organization's `default` pool, checked by every pool write). Safe because the rows of an
  /// organization change only under its advisory lock, which this transaction holds from its
  /// first read to its end; dropped when a write is undone.
  private var cache = PostgresRowCache()
  private var ended = false

  init(backend: PostgresBackend, lease: PostgresLease) {
    self.backend = backend
    self.lease = lease
  }

  /// A transaction dropped without commit or rollback: its connection is closed (PostgreSQL
  /// rolls back), never returned to the pool inside an open transaction.
  deinit {
    if !ended {
      let lease = self.lease
      let closing: EventLoopFuture<Void> = lease.connection.close()
      closing.whenComplete { _ in lease.release() }
    }
  }

  /// Runs `body`, turning its error into a ``PostgresDatabaseError`` naming the database.
  private func database<T>(_ action: String, _ body: () async throws -> T) async throws -> T {
    do {
      return try await body()
    } catch let error as PostgresDatabaseError {
      throw error
    } catch let error as StoreOpenError {
      throw error
    } catch {
      throw PostgresDatabaseError(error, action, on: backend.client.url)
    }
  }

  /// Takes the advisory lock of each organization (`pg_advisory_xact_lock`, held to the end of
  /// the transaction) in the order given, ascending by name, in one statement.
  public func lock(_ organizations: [Organization]) async throws {
    let names = organizations.map(\.name).filter { locked.insert($0).inserted }
    guard !names.isEmpty else { return }
    try await database("lock organizations \(names.joined(separator: ", "))") {
      try await connection.run(
        """
        SELECT count(pg_advisory_xact_lock(\(PostgresSchema.organizationLockClass), hashtext(name)))
        FROM (SELECT name FROM unnest(\(names)::text[]) WITH ORDINALITY AS t(name, position) ORDER BY position) AS ordered
        """, logger: logger)
    }
  }

  public func beginWrite() async throws {
    savedRevision = revision
    savepointMade = false
  }

  /// Makes the current write's savepoint, before its first row change.
  private func savepoint() async throws {
    guard !savepointMade else { return }
    try await database("begin a write") { try await connection.run("SAVEPOINT write", logger: logger) }
    savepointMade = true
  }

  public func endWrite(keeping: Bool) async throws {
    // An undone write hands its revisions out again.
    if !keeping { revision = savedRevision }
    guard savepointMade else { return }
    if !keeping { cache = PostgresRowCache() }
    savepointMade = false
    try await database("end a write") {
      if !keeping { try await connection.run("ROLLBACK TO SAVEPOINT write", logger: logger) }
      try await connection.run("RELEASE SAVEPOINT write", logger: logger)
    }
  }

  @discardableResult
  public func commit(_ changes: ChangeSet) async throws -> UInt64 {
    precondition(!ended, "a PostgreSQL transaction was used after it ended")
    defer { end() }
    do {
      return try await writeAndCommit(changes)
    } catch {
      // the connection goes back to the pool outside any transaction (or closed)
      _ = try? await connection.run("ROLLBACK", logger: logger)
      throw error
    }
  }

  private func writeAndCommit(_ changes: ChangeSet) async throws -> UInt64 {
    try await database("commit") {
      var committed = changes.revision
      if !changes.isEmpty {
        committed = try await PostgresChangeLog.append(
          connection, changes, after: max(changes.revision, revision ?? 0), replica: backend.replica, logger: logger)
      } else {
        // COMMIT of a transaction that had failed answers ROLLBACK, not an error; any statement
        // in it fails ("current transaction is aborted"), the change log's or this one.
        try await connection.run("SELECT 1", logger: logger)
      }
      try await connection.run("COMMIT", logger: logger)
      if !changes.isEmpty { backend.committed(committed) }
      return committed
    }
  }

  public func rollback() async {
    guard !ended else { return }
    _ = try? await connection.run("ROLLBACK", logger: logger)
    end()
  }

  private func end() {
    ended = true
    lease.release()
  }

  public func nextRevision() async throws -> UInt64 {
    if revision == nil {
      revision = try await database("read the revision") {
        try await connection.rows(
          "SELECT value FROM store_info WHERE key = 'revision'", logger: logger
        ) { UInt64(bitPattern: try PostgresColumns($0, "store info").int(0)) }.first ?? 0
      }
    }
    revision! += 1
    return revision!
  }

  public func pool(_ key: PoolKey) async throws -> ClusterPool? {
    if let cached = cache.pools[key] { return cached }
    let row = try await database("read pool \(key)") { try await PostgresPoolRows.select(connection, key, logger: logger) }
    cache.pools[key] = .some(row)
    return row
  }

  public func poolReferences(_ key: PoolKey) async throws -> PoolReferences {
    try await database("read the references of pool \(key)") {
      try await PostgresPoolRows.references(connection, key, logger: logger)
    }
  }

  public func cluster(_ key: ClusterKey) async throws -> Cluster? {
    if let cached = cache.clusters[key] { return cached }
    let row = try await database("read cluster \(key)") { try await PostgresClusterRows.select(connection, key, logger: logger) }
    cache.clusters[key] = .some(row)
    return row
  }

  public func queue(_ key: QueueKey) async throws -> Queue? {
    if let cached = cache.queues[key] { return cached }
    let row = try await database("read queue \(key)") { try await PostgresQueueRows.select(connection, key, logger: logger) }
    cache.queues[key] = .some(row)
    return row
  }

  public func queuesPinning(_ key: ClusterKey) async throws -> [ResourceName] {
    try await database("read the queues pinning \(key)") { try await PostgresQueueRows.pinning(connection, key, logger: logger) }
  }

  public func accessRow(_ key: AccessKey) async throws -> AccessRow? {
    try await database("read \(key)") { try await PostgresAccessRows.select(connection, key, logger: logger) }
  }

  public func accessRows(_ kind: AccessKind, in organization: Organization) async throws -> [AccessRow] {
    try await database("read the \(kind) rows of \(organization)") {
      try await PostgresAccessRows.all(connection, kind, organization, logger: logger)
    }
  }

  public func upsert(_ row: AccessRow) async throws {
    try await savepoint()
    try await database("write \(row.key)") { try await PostgresAccessRows.upsert(connection, row, logger: logger) }
  }

  public func deleteAccessRow(_ key: AccessKey) async throws {
    try await savepoint()
    try await database("remove \(key)") { try await PostgresAccessRows.delete(connection, key, logger: logger) }
  }

  public func upsert(_ pool: ClusterPool) async throws {
    try await savepoint()
    cache.pools[pool.key] = nil
    try await database("write pool \(pool.key)") { try await PostgresPoolRows.upsert(connection, pool, logger: logger) }
    var stored = pool
    stored.memberClusters = []
    cache.pools[pool.key] = .some(stored)
  }

  public func upsert(_ cluster: Cluster) async throws {
    try await savepoint()
    cache.clusters[cluster.key] = nil
    try await database("write cluster \(cluster.key)") { try await PostgresClusterRows.upsert(connection, cluster, logger: logger) }
    cache.clusters[cluster.key] = .some(cluster)
  }

  public func upsert(_ queue: Queue) async throws {
    try await savepoint()
    cache.queues[queue.key] = nil
    try await database("write queue \(queue.key)") { try await PostgresQueueRows.upsert(connection, queue, logger: logger) }
    cache.queues[queue.key] = .some(queue)
  }

  public func deleteQueue(_ key: QueueKey) async throws {
    try await savepoint()
    cache.queues[key] = nil
    try await database("remove queue \(key)") { try await PostgresQueueRows.delete(connection, key, logger: logger) }
    cache.queues[key] = .some(nil)
  }

  public func saveHealth(_ record: ClusterHealthRecord) async throws {
    try await savepoint()
    try await database("save the health of \(record.key)") { try await PostgresHealthRows.save(connection, record, logger: logger) }
  }

  public func deleteHealth(_ key: ClusterKey) async throws {
    try await savepoint()
    try await database("remove the health of \(key)") { try await PostgresHealthRows.delete(connection, key, logger: logger) }
  }
}
