import ClusterPoolDomain
import Foundation
import Testing

@testable import ClusterPoolStore

/// The row-level transaction protocol as every backend must keep it (a new backend adds its
/// ``StoreKind`` and passes these unchanged): kept and undone writes, revisions, row reads
/// across tables, rollback, and what `loadAll` returns afterwards. Transactions run on the
/// backend's executor, as the core runs them.
@Suite struct RowTransactionContractTests {
  static let prod = key("prod")
  static let at = Timestamp(nanosecondsSinceEpoch: 1_000)

  static func poolRow(_ key: PoolKey, revision: UInt64) -> ClusterPool {
    ClusterPool(key: key, config: config(), createdAt: at, updatedAt: at, createdBy: alice, updatedBy: alice, revision: revision)
  }

  @Test(arguments: StoreKind.allCases)
  func keptWritesCommitAndUndoneWritesLeaveNoTrace(_ kind: StoreKind) async throws {
    let (backend, cleanup) = try kind.backend()
    defer { cleanup() }
    try await withTaskExecutorPreference(backend.executor) { try await Self.keptWritesCommitAndUndoneWritesLeaveNoTrace(backend) }
  }

  static func keptWritesCommitAndUndoneWritesLeaveNoTrace(_ backend: any StorageBackend) async throws {
    #expect(try await backend.loadAll().pools.isEmpty)
    let tx = try await backend.begin()
    try await tx.lock([acme, try Organization(validating: "zeta")])
    try await tx.beginWrite()
    let first = try await tx.nextRevision()
    try await tx.upsert(Self.poolRow(Self.prod, revision: first))
    try await tx.endWrite(keeping: true)

    try await tx.beginWrite()
    let undone = try await tx.nextRevision()
    try await tx.upsert(Self.poolRow(key("gone"), revision: undone))
    #expect(try await tx.pool(key("gone")) != nil, "a write reads its own rows")
    try await tx.upsert(Self.poolRow(Self.prod, revision: undone))  // a row the kept write wrote, written again
    try await tx.upsert(Self.poolRow(Self.prod, revision: undone + 1))
    try await tx.endWrite(keeping: false)
    #expect(try await tx.pool(key("gone")) == nil)
    #expect(try await tx.pool(Self.prod) == Self.poolRow(Self.prod, revision: first), "the kept write's row is back")
    #expect(try await tx.nextRevision() == undone, "an undone write's revisions are handed out again")
    try await tx.commit(ChangeSet(revision: undone, pools: [Self.poolRow(Self.prod, revision: first)]))

    let rows = try await backend.loadAll()
    #expect(rows.pools == [Self.poolRow(Self.prod, revision: first)])
    #expect(rows.revision == undone)

    // a rollback undoes the kept writes too, and whatever came after them
    let abandoned = try await backend.begin()
    try await abandoned.beginWrite()
    try await abandoned.upsert(Self.poolRow(key("never"), revision: try await abandoned.nextRevision()))
    try await abandoned.endWrite(keeping: true)
    try await abandoned.upsert(Self.poolRow(key("never-either"), revision: undone + 2))
    await abandoned.rollback()
    let after = try await backend.loadAll()
    #expect(after.pools.map(\.name.value) == ["prod"] && after.revision == undone)
    await backend.close()
  }

  @Test(arguments: StoreKind.allCases)
  func rowReadsSeeClustersQueuesPinsAndHealth(_ kind: StoreKind) async throws {
    let (backend, cleanup) = try kind.backend()
    defer { cleanup() }
    try await withTaskExecutorPreference(backend.executor) { try await Self.rowReadsSeeClustersQueuesPinsAndHealth(backend) }
  }

  static func rowReadsSeeClustersQueuesPinsAndHealth(_ backend: any StorageBackend) async throws {
    let tx = try await backend.begin()
    try await tx.beginWrite()
    try await tx.upsert(Self.poolRow(Self.prod, revision: 1))
    let cluster = Cluster(
      key: clusterKey("c1"), poolName: pool("prod"), createdAt: Self.at, updatedAt: Self.at, createdBy: alice, updatedBy: alice)
    try await tx.upsert(cluster)
    let implicit = ImplicitQueue.of(cluster, replacing: nil)
    try await tx.upsert(implicit)
    let pinning = Queue(
      key: queueKey("gpu"), spec: QueueSpec(depth: 3, poolName: pool("prod"), clusters: [pool("c1")]), createdAt: Self.at,
      updatedAt: Self.at, createdBy: alice, updatedBy: alice)
    try await tx.upsert(pinning)
    let health = ClusterHealthRecord(key: cluster.key, registeredAt: Self.at, lastSeen: Self.at)
    try await tx.saveHealth(health)
    try await tx.endWrite(keeping: true)

    #expect(try await tx.cluster(cluster.key) == cluster)
    #expect(try await tx.queue(queueKey("c1")) == implicit)
    #expect(try await tx.queue(queueKey("gpu")) == pinning)
    #expect(try await tx.poolReferences(Self.prod) == PoolReferences(liveClusters: [pool("c1")], liveQueues: [pool("c1"), pool("gpu")]))
    #expect(try await tx.queuesPinning(cluster.key) == [pool("gpu")])
    #expect(try await tx.queuesPinning(clusterKey("c2")) == [])
    try await tx.commit(ChangeSet(revision: 1))

    let rows = try await backend.loadAll()
    #expect(rows.clusters == [cluster])
    #expect(Set(rows.queues.map(\.key)) == [queueKey("c1"), queueKey("gpu")])
    #expect(rows.health == [health])

    let second = try await backend.begin()
    try await second.deleteQueue(queueKey("c1"))
    try await second.deleteHealth(cluster.key)
    try await second.commit(ChangeSet(revision: 1))
    let after = try await backend.loadAll()
    #expect(after.queues.map(\.key) == [queueKey("gpu")] && after.health.isEmpty)
    await backend.close()
  }
}
