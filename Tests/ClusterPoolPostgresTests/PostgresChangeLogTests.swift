import ClusterPoolDomain
import ClusterPoolStore
import Foundation
import Logging
import PostgresNIO
import Testing

@testable import ClusterPoolPostgres

/// Each committed write leaves one change-log row in its own transaction: at the revision the
/// store reached, naming its organizations and the keys it wrote; a rejected write leaves none;
/// a reopened store loads the same rows and revision.
@Suite(.enabled(if: TestPostgres.enabled, "needs CLUSTERPOOL_TEST_POSTGRES_URL (tools/test)"))
struct PostgresChangeLogTests: AcmeStoreValues {

  @Test func everyCommitLogsItsRevisionOrganizationsAndKeys() async throws {
    try await TestPostgres.withFreshDatabase { url in
      let store = try await PoolStore.open(
        backend: try await PostgresBackend.open(url: url, logger: logger), defaultPool: template, logger: logger)
      _ = try await store.execute(.create(poolKey("prod"), config(), sentMembers: []), by: alice)
      let afterCreate = store.revision
      await #expect(throws: DomainError.self) {
        _ = try await store.execute(.create(poolKey("prod"), config(), sentMembers: []), by: alice)
      }
      let cluster = ClusterKey(organization: acme, name: try ResourceName(validating: "c1", kind: "cluster"))
      _ = try await store.registerCluster(cluster, into: try ResourceName(validating: "prod"), by: alice)
      let afterRegister = store.revision
      #expect(afterRegister > afterCreate && afterCreate > 0)
      let prod = store.pool(poolKey("prod"))
      #expect(prod?.memberClusters.map(\.value) == ["c1"])
      await store.close()

      let log = try await changeLog(url)
      #expect(log.map(\.revision) == [Int64(afterCreate), Int64(afterRegister)], "one row per commit; none for the rejected create")
      #expect(log.allSatisfy { $0.organizations == ["acme"] })
      #expect(log[0].changes.contains(#"["acme", "prod"]"#), "\(log[0].changes)")
      #expect(log[1].changes.contains(#""clusters": [["acme", "c1"]]"#), "\(log[1].changes)")

      let reopened = try await PoolStore.open(
        backend: try await PostgresBackend.open(url: url, logger: logger), defaultPool: template, logger: logger)
      #expect(reopened.revision == afterRegister)
      #expect(reopened.pool(poolKey("prod")) == prod)
      #expect(reopened.cluster(cluster)?.poolName.value == "prod")
      await reopened.close()
    }
  }

  struct Entry { var revision: Int64; var organizations: [String]; var changes: String }

  func changeLog(_ url: PostgresURL) async throws -> [Entry] {
    let client = try PostgresStoreClient(url: url, logger: logger)
    let entries = try await client.withConnection("read the change log") { connection in
      var entries: [Entry] = []
      for try await (revision, organizations, changes) in try await connection.query(
        "SELECT revision, organizations, changes::text FROM change_log ORDER BY revision", logger: logger
      ).decode((Int64, [String], String).self) {
        entries.append(Entry(revision: revision, organizations: organizations, changes: changes))
      }
      return entries
    }
    await client.close()
    return entries
  }
}
