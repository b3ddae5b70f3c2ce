import Testing

@testable import ClusterPoolDomain

/// Listings through the name index (``SortedNames`` of live and of deleted pools, filtered on
/// packed bytes by ``NameFilter``, EQUAL and VALUE_IN looked up) against the definition: every
/// stored pool, plus the implicit `default`, checked one by one with ``NameMatcher`` on its
/// String, sorted, paged by tokens. Values cover what bytes could get wrong: empty, upper case,
/// characters no name holds, non-ASCII (a Kelvin sign, a combining accent).
@Suite struct NameFilterTests {
  let org = try! Organization(validating: "acme")
  let template = DefaultPoolTemplate(
    config: try! ClusterPoolConfig(objectStoreURI: "file:///tmp/x", secretStoreType: 4), createdBy: .user(subject: "sys"),
    createdAt: Timestamp(nanosecondsSinceEpoch: 0))
  static let values = [
    "", "a", "b", "ab", "ba", "a-", "-b", "1", "01", "a1b", "aa", "bab", "A", "AB", "\u{212A}", "é", "a\u{301}", ";", "x", "default",
    "def", "ult", "p-", "-", "zz", "a-b1", "abab1", "1-a1-b",
  ]

  func pool(_ name: String, deleted: Bool, revision: UInt64) -> ClusterPool {
    var pool = template.pool(for: org)
    pool.key.name = try! ResourceName(validating: name)
    pool.revision = revision
    if deleted { pool.deletedAt = Timestamp(nanosecondsSinceEpoch: 5) }
    return pool
  }

  /// The whole listing of `filters`, page after page.
  func listing(_ catalog: PoolCatalog, _ filters: [ListFilter], limit: UInt32, descending: Bool) throws -> [String] {
    var names: [String] = []
    var token = ""
    var pages = 0
    repeat {
      let query = try ListQuery(
        organization: org, limit: limit, token: token, filters: filters, sortKey: descending ? "name" : "", ascending: !descending)
      let page = catalog.list(org, query)
      #expect(page.pools.count <= query.limit)
      #expect(page.nextToken.isEmpty || page.pools.count == query.limit, "a page with more after it is full")
      names += page.pools.map(\.name.value)
      token = page.nextToken
      pages += 1
    } while !token.isEmpty && pages < 10_000
    return names
  }

  @Test(arguments: [1, 2, 3]) func listingsMatchTheMatchersOneByOne(seed: UInt64) throws {
    var generator = SeededGenerator(seed: seed)
    var catalog = PoolCatalog(defaultPool: template)
    var stored: [String: ClusterPool] = [:]
    // enough names for several chunks (split past 1,024), from a small alphabet so values hit
    let alphabet = Array("ab1-")
    var revision: UInt64 = 0
    while stored.count < 2_600 {
      let length = Int.random(in: 1...7, using: &generator)
      var name = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
      while name.first == "-" { name.removeFirst() }
      while name.last == "-" { name.removeLast() }
      guard !name.isEmpty, !name.contains("--") || Bool.random(using: &generator) else { continue }
      revision += 1
      let pool = pool(name, deleted: Int.random(in: 0..<5, using: &generator) == 0, revision: revision)
      catalog.upsert(pool)
      stored[name] = pool
    }
    // some pools deleted and some undeleted after the fact: they move between the indexes
    for name in stored.keys.sorted().prefix(300) where Bool.random(using: &generator) {
      revision += 1
      let moved = pool(name, deleted: !stored[name]!.isDeleted, revision: revision)
      catalog.upsert(moved)
      stored[name] = moved
    }
    let functions: [ListFilter.Function] = [
      .equal, .notEqual, .contains, .containsCaseInsensitive, .valueIn, .valueNotIn, .endsWith, .notEndsWith,
    ]
    for round in 0..<120 {
      var filters: [ListFilter] = []
      for _ in 0..<Int.random(in: 1...3, using: &generator) {
        let function = functions.randomElement(using: &generator)!
        let count = function == .valueIn || function == .valueNotIn ? Int.random(in: 1...4, using: &generator) : 1
        var values = (0..<count).map { _ in Self.values.randomElement(using: &generator)! }
        if function == .valueIn && Bool.random(using: &generator) { values.append(stored.keys.randomElement(using: &generator)!) }
        filters.append(ListFilter(function, field: "name", values: values))
      }
      let deleted = Int.random(in: 0..<3, using: &generator) == 0
      if deleted { filters.append(ListFilter(.exists, field: "deleted_at")) }
      let descending = Bool.random(using: &generator)
      let limit = UInt32([1, 7, 100, 1000].randomElement(using: &generator)!)
      let query = try ListQuery(organization: org, limit: 0, token: "", filters: filters)
      var everyPool = Array(stored.values)
      if stored["default"] == nil { everyPool.append(template.pool(for: org)) }
      var expected = everyPool.filter { query.matches($0) }.map(\.name.value).sorted()
      if descending { expected.reverse() }
      let listed = try listing(catalog, filters, limit: limit, descending: descending)
      #expect(listed == expected, "round \(round): \(filters.map { "\($0.functionNumber) \($0.values)" }) desc \(descending) limit \(limit)")
    }
  }

  @Test func deletingAndUndeletingMovesAPoolBetweenListings() throws {
    var catalog = PoolCatalog(defaultPool: template)
    for (index, name) in ["a", "b", "c"].enumerated() { catalog.upsert(pool(name, deleted: false, revision: UInt64(index + 1))) }
    let live = try ListQuery(organization: org, limit: 0, token: "", filters: [])
    let gone = try ListQuery(organization: org, limit: 0, token: "", filters: [ListFilter(.exists, field: "deleted_at")])
    catalog.upsert(pool("b", deleted: true, revision: 4))
    #expect(catalog.list(org, live).pools.map(\.name.value) == ["a", "c", "default"])
    #expect(catalog.list(org, gone).pools.map(\.name.value) == ["b"])
    catalog.upsert(pool("b", deleted: false, revision: 5))
    #expect(catalog.list(org, live).pools.map(\.name.value) == ["a", "b", "c", "default"])
    #expect(catalog.list(org, gone).pools.isEmpty)
    #expect(catalog.count == 3)
  }

  @Test func theImplicitDefaultIsPagedInItsPlace() throws {
    var catalog = PoolCatalog(defaultPool: template)
    for (index, name) in ["c", "d", "e", "dz"].enumerated() { catalog.upsert(pool(name, deleted: false, revision: UInt64(index + 1))) }
    let contains = [ListFilter(.contains, field: "name", values: ["d"])]
    #expect(try listing(catalog, contains, limit: 1, descending: false) == ["d", "default", "dz"])
    #expect(try listing(catalog, contains, limit: 2, descending: true) == ["dz", "default", "d"])
    #expect(try listing(catalog, [ListFilter(.equal, field: "name", values: ["default"])], limit: 1, descending: false) == ["default"])
    let first = catalog.list(org, try ListQuery(organization: org, limit: 2, token: "", filters: contains))
    #expect(first.pools.map(\.name.value) == ["d", "default"] && !first.nextToken.isEmpty)
  }
}
