internal import ClusterPoolDomain
internal import ClusterPoolStore
internal import PostgresNIO

/// What a follower reads in one catch-up: the change log rows after a revision and, in the
/// same snapshot, the current rows of the keys they name, as one change set.
struct PostgresChangeBatch {
  /// The rows of the keys named by the entries read (newest versions), pools with their live
  /// members; queue and identity keys with no row are removed ones. Its revision: the last entry's.
  var changes: ChangeSet
  /// The store's revision in the snapshot the rows were read in (they are current as of it).
  var asOf: UInt64
  /// Entries read (this server's own included: they name no rows).
  var entries: Int
}

/// Reads change log batches for ``PostgresFollower``, one statement each (``PostgresChangeStatement``).
enum PostgresChangeReader {
  /// The most change log entries read in one batch.
  static let batchLimit = 1000

  /// Entries after `applied` (at most ``batchLimit``) and the rows they name, except those of
  /// the entries in `own` (this server's commits, already applied by it); nil when there are
  /// none. Throws ``PostgresChangeLogPruned`` when entries after `applied` were pruned, and
  /// ``PostgresChangeLogEntryError`` for an entry whose keys cannot be read.
  static func read(
    _ connection: PostgresConnection, after applied: UInt64, own: [UInt64], logger: Logger
  ) async throws -> PostgresChangeBatch? {
    try connection.checkOpen()
    let statement = PostgresChangeStatement(applied: applied, own: own.filter { $0 > applied })
    var pruned: UInt64 = 0
    var last: UInt64 = 0
    var asOf: UInt64 = 0
    var entries = 0
    var unreadable: UInt64?
    var changes = ChangeSet(revision: 0)
    var members: [PoolKey: [String]] = [:]
    for try await row in try await connection.execute(statement, logger: logger) {
      switch row {
      case .entry(let through, let entry):
        pruned = max(pruned, through)
        guard let entry else { continue }
        entries += 1
        last = max(last, entry.revision)
        asOf = max(asOf, entry.current)
        if !entry.readable { unreadable = min(unreadable ?? entry.revision, entry.revision) }
      case .pool(let pool, let names):
        changes.pools.append(pool)
        members[pool.key] = names
      case .cluster(let cluster): changes.clusters.append(cluster)
      case .queue(_, let queue?): changes.queues.append(queue)
      case .queue(let key, nil): changes.removedQueues.append(key)
      case .access(_, let row?): changes.access.append(row)
      case .access(let key?, nil): changes.removedAccess.append(key)
      case .access(nil, nil): continue
      }
    }
    if pruned > applied { throw PostgresChangeLogPruned(applied: applied, pruned: pruned) }
    if let unreadable { throw PostgresChangeLogEntryError(revision: unreadable) }
    guard entries > 0 else { return nil }
    changes.revision = last
    for index in changes.pools.indices where !changes.pools[index].isDeleted {
      changes.pools[index].memberClusters = try (members[changes.pools[index].key] ?? [])
        .map { try ResourceName(validating: $0, kind: "cluster") }.sorted()
    }
    return PostgresChangeBatch(changes: changes, asOf: max(asOf, last), entries: entries)
  }
}

/// The entries after the last revision applied were pruned (``PostgresChangeLog/prune(_:keepRevisions:keepFor:logger:)``):
/// the follower reloads every row.
struct PostgresChangeLogPruned: Error, CustomStringConvertible {
  var applied: UInt64
  var pruned: UInt64
  var description: String { "the change log was pruned through revision \(pruned), past the last applied (\(applied))" }
}

/// A change log row whose keys cannot be read (written by hand, or by a newer server).
struct PostgresChangeLogEntryError: Error, CustomStringConvertible {
  var revision: UInt64
  var description: String { "the change log row of revision \(revision) does not list keys as this server writes them" }
}
