internal import ClusterPoolDomain
internal import ClusterPoolStore
internal import Foundation
internal import PostgresNIO

/// The change log (`change_log`): one row per committed write transaction, written in that
/// transaction, at the revision the transaction ended at, with the organizations it touched
/// and the keys of the rows it wrote, as JSON
/// `{"pools": [[org, name]], "clusters": [...], "queues": [...], "removed_queues": [...]}`.
/// A replica following the log reads those rows (the newest version: a later revision that
/// wrote them again lists them again).
enum PostgresChangeLog {
  static func append(_ connection: PostgresConnection, _ changes: ChangeSet, logger: Logger) async throws {
    let organizations = Set(
      changes.pools.map(\.organization.name) + changes.clusters.map(\.key.organization.name)
        + changes.queues.map(\.key.organization.name) + changes.removedQueues.map(\.organization.name)
    ).sorted()
    try await connection.run(
      """
      INSERT INTO change_log (revision, organizations, changes)
      VALUES (\(Int64(bitPattern: changes.revision)), \(organizations), \(try keys(changes))::jsonb)
      """, logger: logger)
  }

  /// The JSON of the keys `changes` wrote, each listed once.
  static func keys(_ changes: ChangeSet) throws -> String {
    func unique(_ keys: [[String]]) -> [[String]] {
      var seen: Set<[String]> = []
      return keys.filter { seen.insert($0).inserted }
    }
    let object: [String: [[String]]] = [
      "pools": unique(changes.pools.map { [$0.organization.name, $0.name.value] }),
      "clusters": unique(changes.clusters.map { [$0.key.organization.name, $0.key.name.value] }),
      "queues": unique(changes.queues.map { [$0.key.organization.name, $0.key.name.value] }),
      "removed_queues": unique(changes.removedQueues.map { [$0.organization.name, $0.name.value] }),
    ]
    return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
  }
}
