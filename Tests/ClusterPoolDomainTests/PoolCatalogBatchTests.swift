import Testing

@testable import ClusterPoolDomain

/// ``PoolCatalog/upsert(contentsOf:)`` leaves the catalog as upserting the same pools one by one
/// does: names sorted and each once, the last version of a pool named twice kept,
/// organizations apart.
@Suite struct PoolCatalogBatchTests {
  let template = DefaultPoolTemplate(
    config: try! ClusterPoolConfig(objectStoreURI: "file:///tmp/x", secretStoreType: 4), createdBy: .user(subject: "sys"),
    createdAt: Timestamp(nanosecondsSinceEpoch: 0))

  func pool(_ org: String, _ name: String, revision: UInt64) -> ClusterPool {
    var pool = template.pool(for: try! Organization(validating: org))
    pool.key.name = try! ResourceName(validating: name)
    pool.revision = revision
    return pool
  }

  @Test func batchesMatchOneByOne() {
    var generator = SeededGenerator(seed: 11)
    var single = PoolCatalog(defaultPool: template)
    var batched = PoolCatalog(defaultPool: template)
    var revision: UInt64 = 0
    for round in 0..<60 {
      // batches of 0-12 pools over two organizations, names reused across and within batches
      let batch = (0..<Int.random(in: 0...12, using: &generator)).map { _ in
        revision += 1
        return pool(Bool.random(using: &generator) ? "acme" : "beta", "p\(Int.random(in: 0..<150, using: &generator))", revision: revision)
      }
      for pool in batch { single.upsert(pool) }
      batched.upsert(contentsOf: batch)
      for org in single.organizations.keys {
        let (a, b) = (single.organizations[org]!, batched.organizations[org])
        #expect(b?.live == a.live && b?.deleted == a.deleted, "round \(round), \(org)")
        #expect(b?.pools == a.pools, "round \(round), \(org)")
        #expect(Array(a.live) == Array(a.live).sorted() && Set(a.live).count == a.live.count)
      }
      #expect(batched.organizations.count == single.organizations.count)
    }
    #expect(batched.count > 100)
  }
}

/// A small deterministic generator (SplitMix64), so that a failure repeats.
struct SeededGenerator: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
