import ClusterPoolDomain
import Testing

@testable import ClusterPoolStore

/// `StoredRows.firstDifference(to:)`, what `clusterpool-server migrate` verifies a copy with:
/// rows matched by key whatever their order, the first difference named by object and field.
@Suite struct StoredRowsComparisonTests {
  static let at = Timestamp(nanosecondsSinceEpoch: 1_000)
  static let later = Timestamp(nanosecondsSinceEpoch: 2_000)

  static func rows() -> StoredRows {
    let prod = ClusterPool(
      key: key("prod"), config: config(), createdAt: at, updatedAt: at, createdBy: alice, updatedBy: alice, revision: 3)
    let staging = ClusterPool(
      key: key("staging"), config: config("s3://staging"), createdAt: at, updatedAt: later, deletedAt: later,
      createdBy: alice, updatedBy: alice, revision: 5)
    let c1 = Cluster(key: clusterKey("c1"), poolName: pool("prod"), createdAt: at, updatedAt: at, createdBy: alice, updatedBy: alice)
    let c2 = Cluster(key: clusterKey("c2"), poolName: pool("prod"), createdAt: at, updatedAt: at, createdBy: alice, updatedBy: alice)
    let health = ClusterHealthRecord(key: c1.key, registeredAt: at, lastSeen: later)
    return StoredRows(createdAt: at, revision: 5, pools: [prod, staging], clusters: [c1, c2], health: [health])
  }

  @Test func sameRowsInAnotherOrderAreNoDifference() {
    var target = Self.rows()
    target.pools.reverse()
    target.clusters.reverse()
    #expect(Self.rows().firstDifference(to: target) == nil)
  }

  @Test func aChangedFieldIsNamedWithBothValues() {
    var target = Self.rows()
    target.pools[1].revision = 4
    #expect(Self.rows().firstDifference(to: target) == "pool acme/staging: revision is 5 in the source, 4 in the target")
    target = Self.rows()
    target.clusters[0].updatedBy = .user(subject: "bob")
    let difference = Self.rows().firstDifference(to: target)
    #expect(difference?.hasPrefix("cluster acme/c1: updatedBy is ") == true, "\(difference ?? "nil")")
  }

  @Test func missingAndExtraRowsAreNamed() {
    var target = Self.rows()
    target.clusters.removeLast()
    #expect(Self.rows().firstDifference(to: target) == "cluster acme/c2 is missing from the target")
    #expect(target.firstDifference(to: Self.rows()) == "cluster acme/c2 is in the target but not in the source")
    target = Self.rows()
    target.health = []
    #expect(Self.rows().firstDifference(to: target) == "health row of cluster acme/c1 is missing from the target")
  }

  @Test func theFirstDifferenceComesByKindThenKey() {
    var target = Self.rows()
    target.clusters[1].poolName = pool("staging")
    target.pools[1].updatedAt = Self.at
    #expect(Self.rows().firstDifference(to: target)?.hasPrefix("pool acme/staging: updatedAt is ") == true)
  }

  @Test func theStoreCreationTimeAndRevisionAreCompared() {
    var target = Self.rows()
    target.revision = 9
    #expect(Self.rows().firstDifference(to: target) == "the store's revision is 5 in the source, 9 in the target")
    target = Self.rows()
    target.createdAt = Self.later
    #expect(Self.rows().firstDifference(to: target)?.hasPrefix("the store's creation time is ") == true)
  }

  @Test func countsAreWorded() {
    #expect(Self.rows().countsDescription == "2 pools, 2 clusters, 0 queues, 1 health row")
  }
}
