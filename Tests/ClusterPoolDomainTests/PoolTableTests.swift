import Testing

@testable import ClusterPoolDomain

/// ``PoolTable``: pools by name in one array, each name's place kept across replacements.
@Suite struct PoolTableTests {
  let template = DefaultPoolTemplate(
    config: try! ClusterPoolConfig(objectStoreURI: "file:///tmp/x", secretStoreType: 4), createdBy: .user(subject: "sys"),
    createdAt: Timestamp(nanosecondsSinceEpoch: 0))

  func pool(_ name: String, revision: UInt64) -> ClusterPool {
    var pool = template.pool(for: try! Organization(validating: "acme"))
    pool.key.name = try! ResourceName(validating: name)
    pool.revision = revision
    return pool
  }

  @Test func storesReplacesAndFindsByName() {
    var table = PoolTable()
    for i in 0..<1_000 { #expect(table.updateValue(pool("p\(i)", revision: 1), forKey: "p\(i)") == nil) }
    #expect(table.count == 1_000)
    // a replacement hands back the pool it replaced and keeps the count and the order
    #expect(table.updateValue(pool("p7", revision: 2), forKey: "p7")?.revision == 1)
    #expect(table["p7"]?.revision == 2)
    #expect(table.count == 1_000)
    #expect(table.values.map(\.name.value) == (0..<1_000).map { "p\($0)" })
    #expect(table["p1000"] == nil)
  }

  @Test func equalWhateverTheOrderStored() {
    var a = PoolTable()
    var b = PoolTable()
    for i in 0..<50 { a.updateValue(pool("p\(i)", revision: 1), forKey: "p\(i)") }
    for i in (0..<50).reversed() { b.updateValue(pool("p\(i)", revision: 1), forKey: "p\(i)") }
    #expect(a == b)
    b.updateValue(pool("p3", revision: 2), forKey: "p3")
    #expect(a != b)
  }

  /// Loaded pools are stored in one allocation of their number, not in a table grown by doubling.
  @Test func bulkUpsertMakesRoomOnce() {
    var catalog = PoolCatalog(defaultPool: template)
    catalog.upsert(contentsOf: (0..<1_000).map { pool("p\($0)", revision: UInt64($0)) })
    let org = try! Organization(validating: "acme")
    #expect(catalog.organizations[org]?.pools.capacity ?? 0 < 1_100)
    #expect(catalog.pool(PoolKey(organization: org, name: try! ResourceName(validating: "p999")))?.revision == 999)
  }
}
