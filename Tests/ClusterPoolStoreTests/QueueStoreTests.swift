import ClusterPoolDomain
import Foundation
import Testing

@testable import ClusterPoolSQLite
@testable import ClusterPoolStore

func queueKey(_ name: String, _ org: Organization = acme) -> QueueKey {
  QueueKey(organization: org, name: try! ResourceName(validating: name, kind: "queue"))
}

/// Queue writes in the store's transaction: rows, memory after commit, reopen, the rules that
/// read pools and clusters, and the pin guard on cluster deletes.
@Suite struct QueueStoreTests {
  @Test func writesAreVisibleAfterCommitAndSurviveReopen() async throws {
    try await TemporaryDatabase.with { database, store in
      _ = try await store.execute(.create(key("prod"), config(), sentMembers: []), by: alice)
      _ = try await store.registerCluster(clusterKey("c1"), into: pool("prod"), by: alice)
      #expect(store.queue(queueKey("default"))?.spec.poolName == .defaultName)
      let spec = QueueSpec(runConcurrency: 4, depth: 9, priority: 50, poolName: pool("prod"), clusters: [pool("c1")])
      let created = try await store.createQueue(queueKey("gpu"), spec, state: .active, by: alice)
      #expect(created.lifecycle == QueueLifecycle() && created.createdBy == alice && store.queue(queueKey("gpu")) == created)
      let drained = try await store.changeQueue(queueKey("gpu"), .drain(expectedGeneration: 1), by: alice)
      #expect(drained.lifecycle.state == .drained && drained.lifecycle.generation == 2)
      _ = try await store.updateQueue(queueKey("default"), QueueSpec(runConcurrency: 1, poolName: .defaultName), by: alice)
      let before = store.queues(in: acme)
      #expect(before.map(\.key.name.value) == ["default", "gpu"])  // implicit queues are their clusters'
      await store.close()
      let reopened = try database.open()
      #expect(reopened.queues(in: acme) == before)
      await reopened.close()
    }
  }

  @Test(arguments: StoreKind.allCases) func rejectedWritesChangeNothingAndImplicitRowsStayTheirClusters(_ kind: StoreKind) async throws {
    try await kind.with { store in
      _ = try await store.execute(.create(key("prod"), config(), sentMembers: []), by: alice)
      _ = try await store.registerCluster(clusterKey("c1"), into: pool("prod"), by: alice)
      let prod = QueueSpec(poolName: pool("prod"))
      #expect(await code { _ = try await store.createQueue(queueKey("c1"), prod, state: .active, by: alice) } == .alreadyExists)
      #expect(await code { _ = try await store.updateQueue(queueKey("c1"), prod, by: alice) } == .failedPrecondition)
      #expect(await code { _ = try await store.changeQueue(queueKey("c1"), .delete(expectedGeneration: nil), by: alice) } == .failedPrecondition)
      #expect(await code { _ = try await store.changeQueue(queueKey("nope"), .drain(expectedGeneration: nil), by: alice) } == .notFound)
      #expect(store.queue(queueKey("c1")) == nil && store.queues(in: acme).map(\.key.name.value) == ["default"])
      let pinned = QueueSpec(poolName: pool("prod"), clusters: [pool("c1")])
      _ = try await store.createQueue(queueKey("gpu"), pinned, state: .active, by: alice)
      #expect(await code { _ = try await store.changeCluster(clusterKey("c1"), .delete(expectedGeneration: nil), by: alice) } == .failedPrecondition)
      #expect(store.cluster(clusterKey("c1"))?.isLive == true)
      _ = try await store.updateQueue(queueKey("gpu"), prod, by: alice)
      _ = try await store.changeCluster(clusterKey("c1"), .delete(expectedGeneration: nil), by: alice)
      #expect(store.cluster(clusterKey("c1"))?.isLive == false)
    }
  }
}
