import ClusterPoolDomain
import Synchronization
import Testing

@testable import ClusterPoolStore

/// Dry runs (``StoreDryRun``) on every backend (``StoreKind``): a dry-run write answers what the
/// committed write answers, or throws its error, and leaves the backend's rows, the revision,
/// the read model and the observers untouched; dry runs queued with real writes never join
/// their batch, and the real writes commit.
@Suite struct StoreDryRunTests {
  func dryRun<T: Sendable>(_ body: () async throws -> T) async throws -> T {
    try await StoreDryRun.$isActive.withValue(true) { try await body() }
  }

  @Test(arguments: StoreKind.allCases)
  func dryRunsAnswerAsCommittedAndChangeNothing(_ kind: StoreKind) async throws {
    try await kind.with { store in
      _ = try await store.execute(.create(key("prod"), config(), sentMembers: []), by: alice)
      _ = try await store.registerCluster(clusterKey("c1"), into: pool("prod"), by: alice)
      let told = Atomic<Int>(0)
      store.observePools { _ in told.add(1, ordering: .relaxed) }
      store.observeClusters { _ in told.add(1, ordering: .relaxed) }
      let rows = try await store.core.backend.loadAll()
      let revision = store.revision

      let created = try await dryRun { try await store.execute(.create(key("dry"), config(), sentMembers: []), by: alice) }
      #expect(created.name.value == "dry" && created.config == config())
      let registered = try await dryRun { try await store.registerCluster(clusterKey("c2"), into: pool("prod"), by: alice) }
      #expect(registered.poolName == pool("prod"))
      let drained = try await dryRun { try await store.changeCluster(clusterKey("c1"), .drain(expectedGeneration: nil), by: alice) }
      let deleted = try await dryRun {
        try await store.changeCluster(clusterKey("c1"), .delete(expectedGeneration: nil), then: { $0.lifecycle.state == .deleting ? .silentPastTimeout : nil }, by: alice)
      }
      #expect(deleted.lifecycle.state == .deleted, "both steps in one write")
      let dryRejection = await code { _ = try await dryRun { try await store.execute(.create(key("prod"), config(), sentMembers: []), by: alice) } }
      #expect(dryRejection == .alreadyExists)

      let unchanged = try await store.core.backend.loadAll()
      #expect(rows.firstDifference(to: unchanged) == nil)
      #expect(store.revision == revision)
      #expect(store.pool(key("dry")) == nil && store.cluster(clusterKey("c2")) == nil)
      #expect(store.cluster(clusterKey("c1"))?.lifecycle.state == .active)
      #expect(told.load(ordering: .relaxed) == 0)

      // the committed writes answer the same (times aside)
      let real = try await store.changeCluster(clusterKey("c1"), .drain(expectedGeneration: nil), by: alice)
      #expect(real.lifecycle == drained.lifecycle)
      let realPool = try await store.execute(.create(key("dry"), config(), sentMembers: []), by: alice)
      #expect(realPool.name == created.name && realPool.config == created.config && realPool.revision > revision)
      #expect(told.load(ordering: .relaxed) > 0)
    }
  }

  @Test(arguments: StoreKind.allCases)
  func dryRunsQueuedWithWritesRunAlone(_ kind: StoreKind) async throws {
    try await kind.with(maxBatch: 64) { store in
      let failures = await withTaskGroup(of: Bool.self) { group in
        for i in 0..<16 {
          group.addTask {
            do {
              if i % 2 == 0 {
                _ = try await store.execute(.create(key("real-\(i)"), config(), sentMembers: []), by: alice)
              } else {
                _ = try await StoreDryRun.$isActive.withValue(true) {
                  try await store.execute(.create(key("dry-\(i)"), config(), sentMembers: []), by: alice)
                }
              }
              return false
            } catch {
              return true
            }
          }
        }
        return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
      }
      #expect(failures == 0)
      let names = Set(try await store.core.backend.loadAll().pools.map(\.name.value))
      #expect(names == Set(["default"] + stride(from: 0, to: 16, by: 2).map { "real-\($0)" }))
    }
  }
}
