internal import ClusterPoolDomain
internal import ClusterPoolStore
internal import Foundation
internal import PostgresNIO

/// What a follower reads in one catch-up: the change log rows after a revision and, in the
/// same repeatable-read snapshot, the current rows of the keys they name, as one change set.
struct PostgresChangeBatch {
  /// The rows of the keys named by the entries read (newest versions), pools with their live
  /// members; queue and identity keys with no row are removed ones. Its revision: the last entry's.
  var changes: ChangeSet
  /// The store's revision in the snapshot the rows were read in (they are current as of it).
  var asOf: UInt64
  /// Entries read, and how many of them were this server's own (skipped).
  var entries: Int
  var skipped: Int
}

/// Reads change log batches for ``PostgresFollower``.
enum PostgresChangeReader {
  /// The most change log entries read in one batch.
  static let batchLimit = 1000

  /// Entries after `applied` (at most ``batchLimit``) and the rows they name, except those of
  /// entries `isOwn` says this server committed (already applied by it); nil when there are none.
  static func read(
    _ connection: PostgresConnection, after applied: UInt64, isOwn: (UInt64) -> Bool, logger: Logger
  ) async throws -> PostgresChangeBatch? {
    try await connection.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
    do {
      let batch = try await readInSnapshot(connection, after: applied, isOwn: isOwn, logger: logger)
      try await connection.run("COMMIT", logger: logger)
      return batch
    } catch {
      _ = try? await connection.run("ROLLBACK", logger: logger)
      throw error
    }
  }

  private static func readInSnapshot(
    _ connection: PostgresConnection, after applied: UInt64, isOwn: (UInt64) -> Bool, logger: Logger
  ) async throws -> PostgresChangeBatch? {
    // with the store's revision in this snapshot (what the rows read below are current as of)
    let entries = try await connection.rows(
      """
      SELECT revision, changes::text, (SELECT value FROM store_info WHERE key = 'revision') FROM change_log
      WHERE revision > \(Int64(bitPattern: applied)) ORDER BY revision LIMIT \(batchLimit)
      """, logger: logger
    ) {
      let columns = PostgresColumns($0, "change log")
      return (UInt64(bitPattern: try columns.int(0)), try columns.text(1), UInt64(bitPattern: try columns.int(2)))
    }
    guard let last = entries.last?.0, let asOf = entries.last?.2 else { return nil }
    var keys = Keys()
    var skipped = 0
    for (revision, json, _) in entries {
      if isOwn(revision) {
        skipped += 1
      } else {
        try keys.add(json, revision: revision)
      }
    }
    var changes = ChangeSet(revision: last)
    changes.pools = try await pools(connection, keys.pools, logger: logger)
    changes.clusters = try await selectRows(connection, PostgresClusterRows.columns, "clusters", keys.clusters, logger, PostgresClusterRows.cluster)
    let queues = try await selectRows(connection, PostgresQueueRows.columns, "queues", keys.queues, logger, PostgresQueueRows.queue)
    let present = Set(queues.map { [$0.key.organization.name, $0.key.name.value] })
    changes.removedQueues = try keys.queues.filter { !present.contains($0) }.map {
      QueueKey(organization: Organization(stored: $0[0]), name: try ResourceName(validating: $0[1], kind: "queue"))
    }
    changes.queues = queues
    changes.access = try await PostgresAccessRows.select(connection, keys.access, logger: logger)
    let accessPresent = Set(changes.access.map(\.key))
    changes.removedAccess = keys.access.compactMap { key in
      AccessKind(rawValue: key[0]).map { AccessKey($0, Organization(stored: key[1]), key[2]) }
    }.filter { !accessPresent.contains($0) }
    return PostgresChangeBatch(changes: changes, asOf: max(asOf, last), entries: entries.count, skipped: skipped)
  }

  /// The pool rows of `keys` with their live members.
  private static func pools(_ connection: PostgresConnection, _ keys: [[String]], logger: Logger) async throws -> [ClusterPool] {
    var pools = try await selectRows(connection, PostgresPoolRows.columns, "cluster_pools", keys, logger, PostgresPoolRows.pool)
    guard !pools.isEmpty else { return [] }
    let (organizations, names) = columns(keys)
    var members: [PoolKey: [ResourceName]] = [:]
    for (key, member) in try await connection.rows(
      """
      SELECT c.organization, c.pool_name, c.name FROM clusters c
      JOIN unnest(\(organizations)::text[], \(names)::text[]) AS k(organization, name)
        ON c.organization = k.organization AND c.pool_name = k.name
      WHERE c.deleted_at_ns IS NULL
      """, logger: logger, {
        let columns = PostgresColumns($0, "cluster")
        let key = PoolKey(organization: Organization(stored: try columns.text(0)), name: try ResourceName(validating: try columns.text(1)))
        return (key, try ResourceName(validating: try columns.text(2), kind: "cluster"))
      })
    { members[key, default: []].append(member) }
    for index in pools.indices where !pools[index].isDeleted {
      pools[index].memberClusters = (members[pools[index].key] ?? []).sorted()
    }
    return pools
  }

  /// The rows of `table` under `keys` ([organization, name] pairs), mapped with `map`.
  private static func selectRows<Row>(
    _ connection: PostgresConnection, _ columnList: String, _ table: String, _ keys: [[String]], _ logger: Logger,
    _ map: (PostgresRow) throws -> Row
  ) async throws -> [Row] {
    guard !keys.isEmpty else { return [] }
    let (organizations, names) = columns(keys)
    return try await connection.rows(
      """
      SELECT \(unescaped: columnList) FROM \(unescaped: table)
      WHERE (organization, name) IN (SELECT * FROM unnest(\(organizations)::text[], \(names)::text[]))
      """, logger: logger, map)
  }

  private static func columns(_ keys: [[String]]) -> ([String], [String]) { (keys.map { $0[0] }, keys.map { $0[1] }) }

  /// The keys named by change log entries, each once.
  struct Keys {
    var pools: [[String]] = []
    var clusters: [[String]] = []
    var queues: [[String]] = []
    /// [kind, organization, name] of identity and access rows; one with no row was removed.
    var access: [[String]] = []
    private var seen: Set<[String]> = []

    mutating func add(_ json: String, revision: UInt64) throws {
      guard let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: [[String]]] else {
        throw PostgresChangeLogEntryError(revision: revision)
      }
      for (kind, list) in object {
        for key in list {
          if kind == "access" {
            guard key.count == 3, AccessKind(rawValue: key[0]) != nil else { throw PostgresChangeLogEntryError(revision: revision) }
            if seen.insert(["a"] + key).inserted { access.append(key) }
            continue
          }
          guard key.count == 2 else { throw PostgresChangeLogEntryError(revision: revision) }
          switch kind {
          case "pools": if seen.insert(["p"] + key).inserted { pools.append(key) }
          case "clusters": if seen.insert(["c"] + key).inserted { clusters.append(key) }
          case "queues", "removed_queues": if seen.insert(["q"] + key).inserted { queues.append(key) }
          default: throw PostgresChangeLogEntryError(revision: revision)
          }
        }
      }
    }
  }
}

/// A change log row whose keys cannot be read (written by hand, or by a newer server).
struct PostgresChangeLogEntryError: Error, CustomStringConvertible {
  var revision: UInt64
  var description: String { "the change log row of revision \(revision) does not list keys as this server writes them" }
}
