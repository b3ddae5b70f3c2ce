import ClusterPoolDomain
import Foundation
import Testing

@testable import ClusterPoolSQLite
@testable import ClusterPoolStore

/// Every organization's `default` pool: there from its first use, stored once by its first
/// write (also when first writes race), and read the same before, after and across restarts.
@Suite struct DefaultPoolTests {
  @Test func readsTheSameBeforeAndAfterItsFirstWriteAndAcrossRestarts() async throws {
    let org = try Organization(validating: "127")
    try await TemporaryDatabase.with { database, store in
      let implicit = try #require(store.pool(key("default", org)))
      #expect(implicit.revision == 0)
      #expect(implicit.createdAt != TemporaryDatabase.template.createdAt)  // the database's time
      let now = Date().timeIntervalSince1970
      #expect(abs(Double(implicit.createdAt.nanosecondsSinceEpoch) / 1e9 - now) < 60)
      await store.close()

      let beforeWrite = try database.open()
      #expect(beforeWrite.pool(key("default", org)) == implicit)
      _ = try await beforeWrite.execute(.create(key("prod", org), config(), sentMembers: []), by: alice)
      var stored = try #require(beforeWrite.pool(key("default", org)))
      #expect(stored.revision > 0)
      stored.revision = 0
      #expect(stored == implicit)
      await beforeWrite.close()

      let afterWrite = try database.open()
      defer { Task { await afterWrite.close() } }
      var reread = try #require(afterWrite.pool(key("default", org)))
      reread.revision = 0
      #expect(reread == implicit)
    }
  }

  @Test func racingFirstWritesOfANewOrganizationStoreItOnce() async throws {
    try await TemporaryDatabase.with { database, store in
      let org = try Organization(validating: "fresh-org")
      // Pool creates and cluster registrations into `default` race as an organization's first writes.
      let created = await withTaskGroup(of: Bool.self) { group in
        for i in 0..<50 {
          group.addTask {
            if i % 2 == 0 {
              return (try? await store.execute(.create(key("p\(i)", org), config(), sentMembers: []), by: alice)) != nil
            }
            return (try? await store.registerCluster(clusterKey("c\(i)", org), into: .defaultName, by: alice)) != nil
          }
        }
        return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
      }
      #expect(created == 50)
      let page = store.list(org, try ListQuery(organization: org, limit: 100, token: "", filters: []))
      #expect(page.pools.map(\.name.value).filter { $0 == "default" }.count == 1)
      #expect(page.pools.count == 26)
      #expect(store.pool(key("default", org))?.memberClusters.count == 25)
      await store.close()
      let raw = try SQLiteConnection(path: database.path)
      defer { raw.close() }
      #expect(
        try raw.integer("SELECT count(*) FROM cluster_pools WHERE organization = ? AND name = 'default'", [.text("fresh-org")]) == 1)
    }
  }
}
