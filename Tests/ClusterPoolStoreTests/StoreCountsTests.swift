import ClusterPoolDomain
import Testing

@testable import ClusterPoolStore

/// What the read model keeps up to date per commit instead of walking its rows when asked:
/// the counts `/metrics` reports (``StoreSnapshot/census()``), each organization's cluster and
/// queue name indexes, and its version. After every write of a sequence (creates, state
/// changes, deletes, undeletes, a data-plane report, a name taken by a queue after its cluster
/// went) they equal a fresh walk of the rows, and the indexes of a snapshot rebuilt from the
/// same rows (what a reopen or a reload does).
@Suite struct StoreCountsTests {
  /// Nil when the kept counts and indexes of `snapshot` equal a walk of its rows; else what
  /// differs.
  static func mismatch(_ snapshot: StoreSnapshot) -> String? {
    if snapshot.census() != snapshot.walkedCensus() { return "census \(snapshot.census()) != walk \(snapshot.walkedCensus())" }
    let all = snapshot.clusters.values.filter { $0.key.organization == acme }.sorted { $0.key.name < $1.key.name }
    if snapshot.clusters(in: acme, includeDeleted: true) != all { return "clusters(in:) with deleted differ" }
    if snapshot.clusters(in: acme) != all.filter(\.isLive) { return "live clusters(in:) differ" }
    let index = snapshot.queueIndex(acme)
    var names: [String: Bool] = [:]
    for cluster in all where !cluster.key.name.isDefault { names[cluster.key.name.value] = cluster.isLive }
    for queue in snapshot.queues.values where queue.key.organization == acme && !queue.key.name.isDefault {
      names[queue.key.name.value] = queue.isLive || names[queue.key.name.value] == true
    }
    if index.names(deleted: false).map(\.value) != names.filter(\.value).map(\.key).sorted() { return "live queue names differ" }
    if index.names(deleted: true).map(\.value) != names.filter({ !$0.value }).map(\.key).sorted() { return "deleted queue names differ" }
    if Set(snapshot.liveClusterKeys()) != Set(snapshot.clusters.values.filter(\.isLive).map(\.key)) { return "live cluster keys differ" }
    return nil
  }

  @Test(arguments: StoreKind.allCases) func countsAndIndexesEqualAWalkAfterEveryWrite(_ kind: StoreKind) async throws {
    try await kind.with { store in
      var versions: [UInt64] = [store.version(of: acme)]
      let other = try Organization(validating: "other")
      let otherVersion = store.version(of: other)
      func check(_ step: String) {
        let snapshot = store.snapshot()
        #expect(Self.mismatch(snapshot) == nil, "after \(step)")
        versions.append(store.version(of: acme))
        #expect(Set(versions).count == versions.count, "the version of acme did not change at \(step)")
      }
      for name in ["prod", "dev", "gpu"] {
        _ = try await store.execute(.create(key(name), config(), sentMembers: []), by: alice)
        check("create pool \(name)")
      }
      for (cluster, into) in [("c1", "prod"), ("c2", "prod"), ("c3", "dev"), ("c4", "gpu")] {
        _ = try await store.registerCluster(clusterKey(cluster), into: pool(into), by: alice)
        check("register \(cluster)")
      }
      _ = try await store.createQueue(queueKey("batch"), QueueSpec(poolName: pool("prod")), state: .active, by: alice)
      check("create queue batch")
      _ = try await store.createQueue(queueKey("idle"), QueueSpec(poolName: pool("dev")), state: .drained, by: alice)
      check("create drained queue")
      _ = try await store.changeQueue(queueKey("batch"), .drain(expectedGeneration: nil), by: alice)
      check("drain queue")
      _ = try await store.changeCluster(clusterKey("c1"), .drain(expectedGeneration: nil), by: alice)
      check("drain cluster")
      _ = try await store.changeCluster(clusterKey("c1"), .report(.idle), by: alice)
      check("idle report")
      _ = try await store.changeCluster(clusterKey("c1"), .activate(expectedGeneration: nil), by: alice)
      check("activate cluster")
      _ = try await store.changeCluster(clusterKey("c2"), .delete(expectedGeneration: nil), by: alice)
      check("delete cluster")
      _ = try await store.changeCluster(clusterKey("c4"), .delete(expectedGeneration: nil), by: alice)
      check("delete another cluster")
      // the name of a deleted cluster taken by a queue of its own, then freed again
      _ = try await store.createQueue(queueKey("c4"), QueueSpec(poolName: pool("prod")), state: .active, by: alice)
      check("queue takes a deleted cluster's name")
      _ = try await store.changeQueue(queueKey("c4"), .drain(expectedGeneration: nil), by: alice)
      check("drain that queue")
      _ = try await store.changeQueue(queueKey("c4"), .delete(expectedGeneration: nil), by: alice)
      check("delete that queue")
      _ = try await store.changeQueue(queueKey("idle"), .delete(expectedGeneration: nil), by: alice)
      check("delete queue")
      _ = try await store.changeQueue(queueKey("idle"), .undelete, by: alice)
      check("undelete queue")
      _ = try await store.execute(.delete(key("gpu")), by: alice)
      check("delete pool")
      _ = try await store.execute(.undelete(key("gpu")), by: alice)
      check("undelete pool")
      _ = try await store.updateQueue(queueKey("default"), QueueSpec(runConcurrency: 2, poolName: .defaultName), by: alice)
      check("update default queue")
      #expect(store.version(of: other) == otherVersion, "another organization's version changed")
      let census = store.snapshot().census()
      #expect(census.livePools >= 3 && census.deletedPools == 0)  // prod, dev, gpu (and default once written)
      #expect(census.clusters[.active] == 2 && census.clusters.values.reduce(0, +) == 4)
      #expect(census.queues[.deleted] == 1 && census.queues.values.reduce(0, +) == 4)
      // the same rows loaded at once index the same
      let rebuilt = StoreSnapshot(rows: try await store.core.backend.loadAll(), defaultPool: TemporaryDatabase.template)
      let kept = store.snapshot()
      #expect(rebuilt.census() == kept.census() && Self.mismatch(rebuilt) == nil)
      #expect(rebuilt.clusterIndex(acme) == kept.clusterIndex(acme) && rebuilt.queueIndex(acme) == kept.queueIndex(acme))
      #expect(rebuilt.version(of: acme) != kept.version(of: acme))
    }
  }
}
