import ClusterPoolDomain
import Foundation
import Synchronization
import Testing

@testable import ClusterPoolSQLite
@testable import ClusterPoolStore

/// Saved cluster health (soft state persisted on an interval), re-registration of a deleted
/// cluster's name, and the pool observer that drift re-checks hang on.
@Suite struct ClusterHealthStoreTests {
  let reported = ReportedDataPlane(objectStoreURI: "s3://a", secretStoreType: 1, secretStoreLocator: "us-east-1")

  @Test func savedHealthSurvivesReopenForTheLiveRegistrationOnly() async throws {
    try await TemporaryDatabase.with { database, store in
      _ = try await store.execute(.create(key("prod"), config(), sentMembers: []), by: alice)
      let c1 = try await store.registerCluster(clusterKey("c1"), into: pool("prod"), by: alice)
      let c2 = try await store.registerCluster(clusterKey("c2"), into: pool("prod"), by: alice)
      let c3 = try await store.registerCluster(clusterKey("c3"), into: pool("prod"), by: alice)
      let seen = Timestamp(nanosecondsSinceEpoch: 1_700_000_000_123_456_789)
      let records = [
        ClusterHealthRecord(key: c1.key, registeredAt: c1.createdAt, lastSeen: seen, reported: reported),
        ClusterHealthRecord(key: c2.key, registeredAt: c2.createdAt, lastSeen: seen),
        ClusterHealthRecord(key: c3.key, registeredAt: c3.createdAt, lastSeen: seen),
      ]
      #expect(store.healthSaveCount == 0)
      try await store.saveHealth(records)
      #expect(store.healthSaveCount == 1)
      try await store.saveHealth([])  // nothing to save: no transaction
      #expect(store.healthSaveCount == 1)
      // c2 deleted, c3 deleted and registered again: neither keeps the saved health
      _ = try await store.changeCluster(c2.key, .delete(expectedGeneration: nil), by: alice)
      _ = try await store.changeCluster(c3.key, .delete(expectedGeneration: nil), by: alice)
      _ = try await store.registerCluster(c3.key, into: pool("prod"), by: alice)
      // a save of the old registration after it was replaced is skipped
      try await store.saveHealth([records[2]])
      await store.close()

      let reopened = try database.open()
      #expect(reopened.savedHealth() == [records[0]])
      await reopened.close()
    }
  }

  @Test func registeringADeletedNameReplacesTheDeletedCluster() async throws {
    try await TemporaryDatabase.with { database, store in
      _ = try await store.execute(.create(key("prod"), config(), sentMembers: []), by: alice)
      _ = try await store.execute(.create(key("staging"), config(), sentMembers: []), by: alice)
      let name = clusterKey("c1")
      _ = try await store.registerCluster(name, into: pool("prod"), by: alice)
      let deleted = try await store.changeCluster(name, .delete(expectedGeneration: nil), by: alice)
      let bob = Identity.user(subject: "bob")
      let again = try await store.registerCluster(name, into: pool("staging"), by: bob)
      #expect(again.isLive && again.deletedAt == nil && again.createdBy == bob && again.createdAt > deleted.createdAt)
      #expect(again.lifecycle.generation == deleted.lifecycle.generation + 1)
      #expect(store.cluster(name) == again)
      #expect(store.clusters(in: acme, includeDeleted: true).map(\.key) == [name])
      // nothing deleted is left to undelete; an old generation guard no longer matches
      #expect(await code { _ = try await store.changeCluster(name, .undelete, by: alice) } == .notFound)
      #expect(
        await code { _ = try await store.changeCluster(name, .drain(expectedGeneration: deleted.lifecycle.generation), by: alice) }
          == .aborted)
      await store.close()
      let raw = try SQLiteConnection(path: database.path)
      #expect(try raw.integer("SELECT count(*) FROM clusters WHERE name = 'c1'") == 1)
      #expect(
        try raw.integer(
          "SELECT count(*) FROM queues WHERE name = 'c1' AND pool_name = 'staging' AND deleted_at_ns IS NULL AND created_by = ?1",
          [.text(bob.storageForm)]) == 1)
      raw.close()
    }
  }

  @Test func membershipStaysExactThroughBatchesOfRegistrationsRejectionsAndDeletes() async throws {
    try await TemporaryDatabase.with { database, store in
      _ = try await store.execute(.create(key("prod"), config(), sentMembers: []), by: alice)
      let names = (0..<200).map { clusterKey(String(format: "c%03d", 199 - $0)) }  // registered out of order
      await withTaskGroup(of: Void.self) { group in
        for name in names {
          group.addTask { _ = try? await store.registerCluster(name, into: pool("prod"), by: alice) }
          group.addTask { _ = try? await store.registerCluster(name, into: pool("prod"), by: alice) }  // rejected: rolled back
        }
      }
      #expect(store.pool(key("prod"))?.memberClusters == names.map(\.name).sorted())
      await withTaskGroup(of: Void.self) { group in
        for (index, name) in names.enumerated() where index % 3 == 0 {
          group.addTask { _ = try? await store.changeCluster(name, .delete(expectedGeneration: nil), by: alice) }
          group.addTask { _ = try? await store.changeCluster(name, .drain(expectedGeneration: nil), by: alice) }
        }
        group.addTask { _ = try? await store.registerCluster(clusterKey("late"), into: pool("prod"), by: alice) }
      }
      let live = store.clusters(in: acme).map(\.key.name)
      #expect(live.count == 200 - 67 + 1)
      #expect(store.pool(key("prod"))?.memberClusters == live)
      await store.close()
      let reopened = try database.open()
      #expect(reopened.pool(key("prod"))?.memberClusters == live)
      await reopened.close()
    }
  }

  @Test(arguments: StoreKind.allCases) func poolObserversSeeEveryCommittedPool(_ kind: StoreKind) async throws {
    try await kind.with { store in
      let seen = Mutex<[ClusterPool]>([])
      store.observePools { pools in seen.withLock { $0 += pools } }
      _ = try await store.execute(.create(key("prod"), config(), sentMembers: []), by: alice)
      _ = try await store.execute(.update(key("prod"), config("s3://other"), sentMembers: []), by: alice)
      let names = seen.withLock { $0.map { "\($0.name)" } }
      #expect(names == ["default", "prod", "prod"])
      // the observer runs after the catalog shows the change
      #expect(seen.withLock { $0.last?.config.objectStoreURI } == "s3://other")
      #expect(store.pool(key("prod"))?.config.objectStoreURI == "s3://other")
      _ = try await store.registerCluster(clusterKey("c1"), into: pool("prod"), by: alice)
      #expect(seen.withLock { $0.last?.memberClusters.map(\.value) } == ["c1"])
    }
  }
}
