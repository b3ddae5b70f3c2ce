public import ClusterPoolStore
public import Logging
internal import PostgresNIO
public import ServiceLifecycle
internal import Synchronization

/// Follows the change log of a ``PostgresBackend`` shared by several servers, so that this
/// server's ``PoolStore`` (reads, watchers) sees every other server's commits: on a
/// connection of its own it LISTENs on the channel each write's transaction notifies at
/// commit (``PostgresChangeLog/channel``), catches up by revision first (after every
/// (re)connect), then again on each notification and every ``pollInterval`` (a safety net: a
/// missed notification costs at most that long). A catch-up reads the entries after the last
/// revision applied (in revision order, at most ``PostgresChangeReader/batchLimit`` at a
/// time) and, in the same snapshot, the current rows of the keys they name, and applies them
/// with ``PoolStore/apply(_:asOf:)``; entries this server committed are skipped (its store
/// applied them at commit, ``PoolStore/ownCommitsApplied()``). The store's revision (the
/// one responses report and `clusterpool-min-revision` waits for) is the contiguous one: its
/// own commits count once this follower has read past them (``PoolStore/followCommitsElsewhere()``).
/// Rows read later than their entry are newer, never older, and the store keeps a row current
/// as of a later revision, so nothing is applied backwards, and since revisions are taken at commit under one row lock (``PostgresTransaction``) no entry
/// below one seen can appear later: nothing is missed across reconnects.
///
/// A `Service`: run it in the server's `ServiceGroup`; it stops at graceful shutdown or
/// cancellation.
public final class PostgresFollower: Service, Sendable {
  /// The backend followed.
  public let backend: PostgresBackend
  let store: PoolStore
  /// Its intervals and the change log it keeps (``Settings``: documented defaults).
  public let settings: Settings
  /// How often it catches up without a notification.
  public var pollInterval: Duration { settings.pollInterval }
  let logger: Logger
  /// The last revision applied (this server's commits and followed ones, contiguous).
  let applied: Mutex<UInt64>
  /// The highest revision notified (`.max` at a poll tick) since the last catch-up began.
  let wanted = Mutex<UInt64>(0)
  /// Batches applied, catch-up statements run, entries applied, reconnects, reloads and
  /// prunes, for tests and logs.
  let counts = Mutex<(catchUps: Int, reads: Int, entries: Int, connects: Int, reloads: Int, pruned: Int)>((0, 0, 0, 0, 0, 0))
  /// How far behind the change log it is (``lag``).
  let lagState = Mutex(FollowerLag())
  /// How many revisions behind a catch-up reloads every row instead of reading the entries.
  public var reloadBehind: UInt64 { settings.reloadBehind }

  /// A follower applying `backend`'s change log to `store` (a store over `backend`), from
  /// the revision `backend` last loaded.
  public init(backend: PostgresBackend, store: PoolStore, settings: Settings = Settings(), logger: Logger) {
    self.backend = backend
    self.settings = settings
    self.store = store
    self.logger = logger
    applied = Mutex(backend.loadedRevision.withLock { $0 })
    store.followCommitsElsewhere()
  }

  /// The last revision this follower has applied.
  public var appliedRevision: UInt64 { applied.withLock { $0 } }

  /// Times it connected (the first time included) and started listening.
  public var connections: Int { counts.withLock { $0.connects } }

  public func run() async throws {
    await cancelWhenGracefulShutdown {
      while !Task.isCancelled {
        do {
          try await self.follow()
        } catch {
          guard !Task.isCancelled else { return }
          self.logger.warning(
            "following the change log failed; reconnecting", metadata: ["error": "\(error)", "applied": "\(self.appliedRevision)"])
        }
        try? await Task.sleep(for: self.settings.reconnectDelay)
      }
    }
  }

  /// One connection's life (``follow(on:)``); the connection is closed at its end.
  private func follow() async throws {
    try await backend.client.withConnection("follow the change log") { connection in
      // the connection carries the catch-up statement's session settings: closed, never
      // handed back to the pool for other statements
      do {
        try await follow(on: connection)
      } catch {
        try? await connection.close()
        throw error
      }
      try? await connection.close()
    }
  }

  /// The catch-up statement's session settings, LISTEN, catch up, then catch up on every
  /// notification or poll tick (and prune the change log every ``Settings/pruneInterval``,
  /// first at once) until the connection fails (thrown) or the task is cancelled.
  private func follow(on connection: PostgresConnection) async throws {
    try await connection.run(PostgresChangeStatement.session, logger: logger)
    try await connection.listen(on: PostgresChangeLog.channel) { notifications in
      let connects = counts.withLock { $0.connects += 1; return $0.connects }
      let caught = try await catchUp(connection)
      logger.info(
        connects == 1 ? "following the change log" : "reconnected to the change log",
        metadata: ["caught_up_revisions": "\(caught)", "revision": "\(appliedRevision)"])
      let (wakes, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
      try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
          for try await notification in notifications {
            let revision = UInt64(notification.payload) ?? .max
            self.wanted.withLock { $0 = max($0, revision) }
            if revision != .max { self.lagState.withLock { $0.heard(revision, applied: self.appliedRevision) } }
            wake.yield()
          }
          throw PostgresFollowerError.listenEnded
        }
        group.addTask { [pollInterval] in
          while true {
            try await Task.sleep(for: pollInterval)
            self.wanted.withLock { $0 = .max }
            wake.yield()
          }
        }
        group.addTask {
          var nextPrune = ContinuousClock.now
          for await _ in wakes {
            // a commit notified while the last catch-up ran may have been read by it already
            // (PostgreSQL delivers notifications between statements): no statement for it
            let wanted = self.wanted.withLock { wanted in
              defer { wanted = 0 }
              return wanted
            }
            if wanted > self.appliedRevision { _ = try await self.catchUp(connection) }
            if ContinuousClock.now >= nextPrune {
              try await self.prune(connection)
              nextPrune = .now + self.settings.pruneInterval
            }
          }
        }
        defer { group.cancelAll() }
        try await group.next()
      }
    }
  }

  /// Applies every entry after the last applied, batch by batch; returns how many entries.
  /// More than ``reloadBehind`` entries behind, or on a change log entry it cannot read, it
  /// reloads every row instead (``reload()``).
  @discardableResult
  func catchUp(_ connection: PostgresConnection) async throws -> Int {
    var total = 0
    while true {
      let from = appliedRevision
      let batch: PostgresChangeBatch?
      counts.withLock { $0.reads += 1 }
      do {
        batch = try await PostgresChangeReader.read(connection, after: from, own: store.ownCommitsApplied(), logger: logger)
      } catch let error as PostgresChangeLogEntryError {
        try await reload(because: "\(error)")
        return total
      } catch let error as PostgresChangeLogPruned {
        try await reload(because: "\(error)")
        return total
      }
      guard let batch else {
        lagState.withLock { $0.caughtUp(to: appliedRevision) }
        break
      }
      if batch.asOf - from > reloadBehind {
        try await reload(because: "\(batch.asOf - from) revisions behind (more than \(reloadBehind))")
        return total
      }
      // every commit up to the batch's last entry is now applied: the store's contiguous
      // revision (and its own commits above it, skipped here) moves up to it
      store.apply(batch.changes, asOf: batch.asOf)
      let last = batch.changes.revision
      applied.withLock { $0 = max($0, last) }
      total += batch.entries
      counts.withLock { $0.catchUps += 1; $0.entries += batch.entries }
      if batch.entries < PostgresChangeReader.batchLimit {
        lagState.withLock { $0.caughtUp(to: appliedRevision) }
        break
      }
    }
    return total
  }

  /// Prunes the change log (``PostgresChangeLog/prune(_:keepRevisions:keepFor:logger:)``).
  func prune(_ connection: PostgresConnection) async throws {
    let deleted = try await PostgresChangeLog.prune(
      connection, keepRevisions: settings.keepRevisions, keepFor: settings.keepFor, logger: logger)
    guard deleted > 0 else { return }
    counts.withLock { $0.pruned += deleted }
    logger.info("pruned the change log", metadata: ["entries": "\(deleted)", "kept_revisions": "\(settings.keepRevisions)"])
  }

  /// Reads every row again and replaces the store's read model with them; entries after the
  /// rows' revision are then read again, this server's own included (one applied meanwhile
  /// may be missing from the rows: the store keeps the newer row of the two).
  func reload(because reason: String) async throws {
    logger.warning("reloading every row from the database", metadata: ["reason": "\(reason)", "applied": "\(appliedRevision)"])
    let rows = try await backend.loadAll()
    store.reload(rows)
    applied.withLock { $0 = rows.revision }
    counts.withLock { $0.reloads += 1 }
    logger.info("reloaded every row from the database", metadata: ["revision": "\(rows.revision)", "pools": "\(rows.pools.count)"])
  }
}

enum PostgresFollowerError: Error, CustomStringConvertible {
  case listenEnded
  var description: String { "the LISTEN connection ended" }
}
