internal import ClusterPoolDomain
internal import ClusterPoolStore
internal import Foundation
internal import PostgresNIO

/// The change log (`change_log`): one row per committed write transaction, written in that
/// transaction, at the revision the transaction ended at, with the organizations it touched
/// and the keys of the rows it wrote, as JSON
/// `{"pools": [[org, name]], "clusters": [...], "queues": [...], "removed_queues": [...],
/// "access": [[kind, org, name]]}` (identity and access rows written or removed).
/// A replica following the log reads those rows (the newest version: a later revision that
/// wrote them again lists them again).
enum PostgresChangeLog {
  /// The channel every write's transaction notifies (`pg_notify`, delivered at its commit)
  /// with its revision; followers LISTEN on it.
  static let channel = "clusterpool_changes"

  /// Takes the commit's revision (the counter plus one, or `last` when higher: the last
  /// revision the transaction handed out), writes `changes`' change log row under it, written
  /// by `replica`, and notifies ``channel``, in one statement (``PostgresCommitStatement``, with
  /// no rows of its own), the last before `COMMIT` (see ``PostgresTransaction`` for why).
  /// Returns the revision.
  static func append(
    _ connection: PostgresConnection, _ changes: ChangeSet, after last: UInt64, replica: String, logger: Logger
  ) async throws -> UInt64 {
    guard
      let revision = try await PostgresCommitStatement.run(
        connection, PostgresWriteBuffer(), log: changes, after: last, replica: replica, logger: logger)
    else { throw PostgresChangeLogError.noRevisionRow }
    return revision
  }

  /// The organizations `changes` touched, sorted.
  static func organizations(_ changes: ChangeSet) -> [String] {
    Set(
      changes.pools.map(\.organization.name) + changes.clusters.map(\.key.organization.name)
        + changes.queues.map(\.key.organization.name) + changes.removedQueues.map(\.organization.name)
        + changes.access.map(\.key.organization.name) + changes.removedAccess.map(\.organization.name)
    ).sorted()
  }

  /// The JSON of the keys `changes` wrote, each listed once.
  static func keys(_ changes: ChangeSet) throws -> String {
    func unique(_ keys: [[String]]) -> [[String]] {
      var seen: Set<[String]> = []
      return keys.filter { seen.insert($0).inserted }
    }
    func list(_ keys: [[String]]) -> String { PostgresJSON.array(unique(keys).map { PostgresJSON.array($0.map(PostgresJSON.string)) }) }
    var object = PostgresJSONObject()
    let access = (changes.access.map(\.key) + changes.removedAccess).map { [$0.kind.rawValue, $0.organization.name, $0.name] }
    // only when there are some, so that entries without any read as before
    if !access.isEmpty { object.field("access", json: list(access)) }
    object.field("clusters", json: list(changes.clusters.map { [$0.key.organization.name, $0.key.name.value] }))
    object.field("pools", json: list(changes.pools.map { [$0.organization.name, $0.name.value] }))
    object.field("queues", json: list(changes.queues.map { [$0.key.organization.name, $0.key.name.value] }))
    object.field("removed_queues", json: list(changes.removedQueues.map { [$0.organization.name, $0.name.value] }))
    return object.json
  }
}

/// The store's revision row (`store_info`, key `revision`) is missing: the schema was changed
/// by hand.
enum PostgresChangeLogError: Error, CustomStringConvertible {
  case noRevisionRow
  var description: String { "the database has no revision row (store_info 'revision')" }
}
