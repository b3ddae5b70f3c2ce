public import ClusterPoolDomain
public import ClusterPoolStore
internal import Foundation
internal import NIOCore
internal import PostgresNIO

/// A transaction of the ``PostgresBackend`` on a leased connection: `BEGIN`; the advisory
/// locks of every organization of the batch before its first read (held to the end); the rows
/// the batch will read, one query per table (``prefetch(_:)``); the writes' rows kept in memory
/// (``PostgresWriteBuffer``: an undone write restores it, no savepoint) and sent at commit in
/// one statement that also takes the commit's revision, writes the change log row and notifies
/// followers (``PostgresCommitStatement``, prepared once per connection), then `COMMIT`. A
/// batch of pool writes of any size is five round trips: `BEGIN`, the locks, and under them
/// the pools with the revision counter, the rows' statement and `COMMIT` (one more per other
/// table read ahead). Every error names the database.
///
/// A row the database refuses at commit (e.g. a value it cannot store) fails the whole
/// statement before `COMMIT` is sent: the error says so (``PostgresDatabaseError/refusedRows``)
/// and the core runs each of the batch's writes again alone, so only the one at fault fails.
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
  let backend: PostgresBackend
  private let lease: PostgresLease
  var connection: PostgresConnection { lease.connection }
  var logger: Logger { backend.logger }
  /// The last revision handed out; nil until the counter is first read.
  var revision: UInt64?
  /// Organizations whose advisory lock this transaction holds.
  private var locked: Set<String> = []
  /// Rows read or written in this transaction, so a batch reads each at most once (e.g. the
  /// organization's `default` pool, checked by every pool write). Safe because the rows of an
  /// organization change only under its advisory lock, which this transaction holds from its
  /// first read to its end.
  var cache = PostgresRowCache()
  /// Rows written, sent at commit.
  var written = PostgresWriteBuffer()
  /// While a write runs: ``revision`` when it began and its row changes' undo steps, in order
  /// (``PostgresWriteUndo``), applied in reverse when it is undone.
  private var undoing: (revision: UInt64?, steps: [PostgresWriteUndo])?
  /// Statements sent and when the transaction began and was locked, for the debug log of its
  /// commit (rows, statements, lock wait, time under the lock, the rows' statement, COMMIT).
  private var statements = 1
  private let began = ContinuousClock.now
  private var lockedAt: ContinuousClock.Instant?
  private(set) var ended = false
  /// The first statement of this transaction that failed: PostgreSQL refuses every later one
  /// ("current transaction is aborted"), so the commit fails at once with this error (and
  /// never prepares its statement in an aborted transaction: postgres-nio would keep that
  /// failure for the connection's later commits).
  private(set) var failure: PostgresDatabaseError?

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

  /// Runs `body` (one statement), turning its error into a ``PostgresDatabaseError`` naming the database.
  func database<T>(_ action: String, _ body: () async throws -> T) async throws -> T {
    statements += 1
    do {
      return try await body()
    } catch let error as PostgresDatabaseError {
      failure = failure ?? error
      throw error
    } catch let error as StoreOpenError {
      throw error  // a row that cannot be read: the database's transaction is intact
    } catch {
      let error = PostgresDatabaseError(error, action, on: backend.client.url)
      failure = failure ?? error
      throw error
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
    if lockedAt == nil { lockedAt = .now }
  }

  public func beginWrite() async throws {
    undoing = (revision, [])
  }

  public func endWrite(keeping: Bool) async throws {
    // An undone write leaves no row and hands its revisions out again.
    if !keeping, let undoing {
      revision = undoing.revision
      for step in undoing.steps.reversed() { step.restore(&cache, &written) }
    }
    undoing = nil
  }

  /// Records how to undo a row change about to be made (when a write is running).
  func recordUndo(_ step: @autoclosure () -> PostgresWriteUndo) {
    if undoing != nil { undoing!.steps.append(step()) }
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
    if let failure { throw failure }
    let committing = ContinuousClock.now
    // Any statement of a transaction that had failed fails ("current transaction is
    // aborted"), so COMMIT never answers ROLLBACK here; rows refused fail it before COMMIT.
    let logged: UInt64?
    do {
      try await writeAccessRows()
      logged = try await database("write \(written.count) rows") {
        try await PostgresCommitStatement.run(
          connection, written, log: changes, after: max(changes.revision, revision ?? 0), replica: backend.replica, logger: logger)
      }
    } catch var error as PostgresDatabaseError {
      error.refusedRows = error.isRowRefusal
      throw error
    }
    let flushed = ContinuousClock.now
    statements += 1
    do {
      try await connection.run("COMMIT", logger: logger)
    } catch {
      throw PostgresCommitUnconfirmed(error, on: backend.client.url)
    }
    let committed = logged ?? changes.revision
    logger.debug(
      "committed",
      metadata: [
        "rows": "\(written.count)", "statements": "\(statements)", "lock_wait_ms": "\(milliseconds(began, lockedAt))",
        "locked_ms": "\(milliseconds(lockedAt, .now))", "write_ms": "\(milliseconds(committing, flushed))",
        "commit_ms": "\(milliseconds(flushed, .now))",
      ])
    return committed
  }

  private func milliseconds(_ from: ContinuousClock.Instant?, _ to: ContinuousClock.Instant?) -> String {
    guard let from, let to else { return "-" }
    let duration = to - from
    return String(format: "%.2f", Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) / 1e15)
  }

  public func rollback() async {
    guard !ended else { return }
    _ = try? await connection.run("ROLLBACK", logger: logger)
    end()
  }

  /// Marks the transaction ended and gives its connection back.
  func end() {
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
}
