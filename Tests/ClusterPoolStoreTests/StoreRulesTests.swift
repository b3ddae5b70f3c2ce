import ClusterPoolDomain
import Foundation
import Testing

@testable import ClusterPoolStore

/// Rules of the core that only show through several rows: a write undone inside a batch,
/// generations carried over replaced names, the `default` queue. Each test runs against every
/// backend (``StoreKind``).
@Suite struct StoreRulesTests {
  @Test(arguments: StoreKind.allCases)
  func aRejectedWriteInABatchLeavesNoTraceAndSparesTheOthers(_ kind: StoreKind) async throws {
    try await kind.with(maxBatch: 64) { store in
      let lone = (0..<6).map { try! Organization(validating: "lone-\($0)") }
      let busy = (0..<6).map { try! Organization(validating: "busy-\($0)") }
      // each rejected registration first writes its organization's `default` pool, then fails
      let outcomes = await withTaskGroup(of: (String, DomainError.Code?).self) { group in
        for i in 0..<6 {
          group.addTask { ("lone", await code { _ = try await store.registerCluster(clusterKey("c", lone[i]), into: pool("nope"), by: alice) }) }
          group.addTask { ("busy", await code { _ = try await store.execute(.create(key("ok", busy[i]), config(), sentMembers: []), by: alice) }) }
        }
        return await group.reduce(into: [(String, DomainError.Code?)]()) { $0.append($1) }
      }
      #expect(outcomes.filter { $0.0 == "lone" }.allSatisfy { $0.1 == .notFound })
      #expect(outcomes.filter { $0.0 == "busy" }.allSatisfy { $0.1 == nil })
      for org in lone {
        #expect(store.pool(key("default", org))?.revision == 0, "the undone write's default pool is not published")
        #expect(store.cluster(clusterKey("c", org)) == nil)
      }
      for org in busy { #expect(store.pool(key("ok", org)) != nil) }
      let rows = try await store.core.backend.loadAll()
      #expect(!rows.pools.contains { lone.contains($0.organization) }, "nor stored")
      #expect(rows.pools.filter { busy.contains($0.organization) }.count == 12)
      #expect(rows.clusters.isEmpty && rows.queues.isEmpty)
    }
  }

  @Test(arguments: StoreKind.allCases)
  func generationsCarryOnAcrossReplacedNames(_ kind: StoreKind) async throws {
    try await kind.with { store in
      _ = try await store.execute(.create(key("prod"), config(), sentMembers: []), by: alice)
      _ = try await store.registerCluster(clusterKey("c1"), into: pool("prod"), by: alice)
      let deleted = try await store.changeCluster(clusterKey("c1"), .delete(expectedGeneration: nil), by: alice)
      let again = try await store.registerCluster(clusterKey("c1"), into: pool("prod"), by: alice)
      #expect(again.lifecycle.generation == deleted.lifecycle.generation + 1)
      _ = try await store.changeCluster(clusterKey("c1"), .delete(expectedGeneration: nil), by: alice)
      // a queue of its own over the deleted cluster's name: its implicit queue was created (1)
      // and deleted (2), so the new queue's generation goes on from there
      let queue = try await store.createQueue(queueKey("c1"), QueueSpec(poolName: pool("prod")), state: .active, by: alice)
      #expect(queue.lifecycle.generation == 3)
      #expect(await code { _ = try await store.registerCluster(clusterKey("c1"), into: pool("prod"), by: alice) } == .alreadyExists)
      _ = try await store.changeQueue(queueKey("c1"), .drain(expectedGeneration: 3), by: alice)
      _ = try await store.changeQueue(queueKey("c1"), .delete(expectedGeneration: 4), by: alice)
      #expect(await code { _ = try await store.registerCluster(clusterKey("c1"), into: pool("prod"), by: alice) } != nil)
      #expect(store.pool(key("prod"))?.memberClusters == [])
    }
  }

  @Test(arguments: StoreKind.allCases)
  func theDefaultQueueIsWrittenOnItsFirstChangeAndNeverDeleted(_ kind: StoreKind) async throws {
    try await kind.with { store in
      let fresh = try Organization(validating: "fresh")
      #expect(store.queue(queueKey("default", fresh))?.spec.poolName == .defaultName)
      #expect(await code { _ = try await store.changeQueue(queueKey("default", fresh), .delete(expectedGeneration: nil), by: alice) } == .failedPrecondition)
      #expect(store.pool(key("default", fresh))?.revision == 0, "a rejected change writes nothing")
      let updated = try await store.updateQueue(queueKey("default", fresh), QueueSpec(depth: 7, poolName: .defaultName), by: alice)
      #expect(updated.spec.depth == 7 && store.queue(queueKey("default", fresh)) == updated)
      #expect(store.pool(key("default", fresh))?.revision ?? 0 > 0, "written with its pool")
      #expect(store.queues(in: fresh) == [updated])
    }
  }
}
