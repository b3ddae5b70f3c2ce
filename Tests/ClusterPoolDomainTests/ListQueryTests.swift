import Testing

@testable import ClusterPoolDomain

@Suite struct ListQueryTests {
  let org = try! Organization(validating: "acme")
  let template = DefaultPoolTemplate(
    config: try! ClusterPoolConfig(objectStoreURI: "file:///tmp/x", secretStoreType: 4), createdBy: .user(subject: "sys"),
    createdAt: Timestamp(nanosecondsSinceEpoch: 0))

  func catalog(_ names: [String], deleted: Set<String> = [], org: Organization? = nil) -> PoolCatalog {
    var catalog = PoolCatalog(defaultPool: template)
    for name in names {
      var pool = template.pool(for: org ?? self.org)
      pool.key.name = try! ResourceName(validating: name)
      if deleted.contains(name) { pool.deletedAt = Timestamp(nanosecondsSinceEpoch: 5) }
      catalog.upsert(pool)
    }
    return catalog
  }

  func query(_ filters: [ListFilter] = [], limit: UInt32 = 0, token: String = "", sort: String = "", ascending: Bool = true) throws(DomainError) -> ListQuery {
    try ListQuery(organization: org, limit: limit, token: token, filters: filters, sortKey: sort, ascending: ascending)
  }

  func names(_ page: ListPage) -> [String] { page.pools.map(\.name.value) }

  /// A huge field or sort key is quoted in the message only up to `QuotedInput.maxCharacters`.
  @Test func errorsQuoteHugeInputBounded() {
    let huge = String(repeating: "f", count: 64 << 10)
    let errors = [
      #expect(throws: DomainError.self) { try query([ListFilter(.equal, field: huge, values: ["x"])]) },
      #expect(throws: DomainError.self) { try query(sort: huge) },
    ]
    for error in errors {
      guard let error else { continue }
      #expect(error.code == .invalidArgument)
      #expect(error.message.utf8.count < 600, "\(error.message.utf8.count) bytes")
      #expect(error.message.contains("\"" + String(repeating: "f", count: 100) + "…\" (65536 bytes)"))
    }
  }

  @Test func quotingEscapesAndCuts() {
    #expect(QuotedInput.quote("prod") == "\"prod\"")
    #expect(QuotedInput.quote("a\nb") == "\"a\\u{a}b\"")
    #expect(QuotedInput.quote("abcdef", maxCharacters: 3) == "\"abc…\" (6 bytes)")
    #expect(QuotedInput.quote("abc", maxCharacters: 3) == "\"abc\"")
  }

  @Test func implicitDefaultIsListedAndSorted() throws {
    let page = catalog(["b", "a", "z"]).list(org, try query())
    #expect(names(page) == ["a", "b", "default", "z"])
    #expect(page.nextToken.isEmpty)
    #expect(names(PoolCatalog(defaultPool: template).list(org, try query())) == ["default"])
  }

  @Test func limitDefaultsAndCaps() throws {
    #expect(try query().limit == 100)
    #expect(try query(limit: 7).limit == 7)
    #expect(try query(limit: 5000).limit == 1000)
  }

  @Test func pagesFollowTokensUnderConcurrentChanges() throws {
    var cat = catalog((0..<50).map { "p\($0 + 100)" })
    var seen: [String] = []
    var token = ""
    var round = 0
    repeat {
      let page = cat.list(org, try query(limit: 7, token: token))
      seen += names(page)
      token = page.nextToken
      // between pages: new names before and after the cursor, and a deletion
      var extra = template.pool(for: org)
      extra.key.name = try ResourceName(validating: "p\(100 + round)a")
      cat.upsert(extra)
      round += 1
    } while !token.isEmpty
    let original = Set((0..<50).map { "p\($0 + 100)" } + ["default"])
    #expect(original.isSubset(of: Set(seen)))
    #expect(seen.count == Set(seen).count, "no repeats")
    #expect(seen == seen.sorted())
  }

  @Test func descendingOrder() throws {
    let cat = catalog(["a", "b", "c"])
    let first = cat.list(org, try query(limit: 2, sort: "name", ascending: false))
    #expect(names(first) == ["default", "c"])
    let second = cat.list(org, try query(limit: 2, token: first.nextToken, sort: "name", ascending: false))
    #expect(names(second) == ["b", "a"])
    #expect(second.nextToken.isEmpty)
  }

  @Test func nameFilters() throws {
    let cat = catalog(["prod", "prod-eu", "staging", "dev-eu"])
    func run(_ f: ListFilter.Function, _ values: String...) throws -> [String] {
      names(cat.list(org, try query([ListFilter(f, field: "name", values: values)])))
    }
    #expect(try run(.equal, "prod") == ["prod"])
    #expect(try run(.notEqual, "prod") == ["default", "dev-eu", "prod-eu", "staging"])
    #expect(try run(.contains, "od") == ["prod", "prod-eu"])
    #expect(try run(.containsCaseInsensitive, "PROD") == ["prod", "prod-eu"])
    #expect(try run(.valueIn, "prod", "staging", "nope") == ["prod", "staging"])
    #expect(try run(.valueNotIn, "prod", "staging") == ["default", "dev-eu", "prod-eu"])
    #expect(try run(.endsWith, "-eu") == ["dev-eu", "prod-eu"])
    #expect(try run(.notEndsWith, "-eu") == ["default", "prod", "staging"])
  }

  @Test func deletedListing() throws {
    let cat = catalog(["a", "b", "c"], deleted: ["b"])
    #expect(names(cat.list(org, try query())) == ["a", "c", "default"])
    #expect(names(cat.list(org, try query([ListFilter(.exists, field: "deleted_at")]))) == ["b"])
    #expect(names(cat.list(org, try query([ListFilter(.notExists, field: "deleted_at")]))) == ["a", "c", "default"])
  }

  func invalid(_ body: () throws -> Void) -> String? {
    do {
      try body()
      return nil
    } catch let error as DomainError {
      #expect(error.code == .invalidArgument)
      return error.message
    } catch {
      Issue.record("unexpected \(error)")
      return nil
    }
  }

  @Test func unsupportedFiltersAreInvalid() {
    #expect(invalid { _ = try query([ListFilter(.equal, field: "config", values: ["x"])]) }?.contains("cannot filter cluster pools on field \"config\"") == true)
    #expect(invalid { _ = try query([ListFilter(.greaterThan, field: "name", values: ["x"])]) }?.contains("GREATER_THAN is not supported on name") == true)
    #expect(invalid { _ = try query([ListFilter(functionNumber: 42, field: "name", values: ["x"])]) }?.contains("function 42 is unknown") == true)
    #expect(invalid { _ = try query([ListFilter(.equal, field: "name", values: [])]) }?.contains("exactly one value") == true)
    #expect(invalid { _ = try query([ListFilter(.valueIn, field: "name", values: [])]) }?.contains("at least one value") == true)
    #expect(invalid { _ = try query([ListFilter(.equal, field: "deleted_at")]) }?.contains("EXISTS deleted_at") == true)
    #expect(invalid { _ = try query([ListFilter(.exists, field: "deleted_at"), ListFilter(.notExists, field: "deleted_at")]) }?.contains("contradict") == true)
    #expect(invalid { _ = try ListQuery(organization: org, limit: 0, token: "", filters: [], rawFilters: ["name=x"]) }?.contains("raw_filters") == true)
    #expect(invalid { _ = try query(sort: "created_at") }?.contains("sorted by name only") == true)
  }

  @Test func tokensAreBoundToTheirListing() throws {
    let cat = catalog((0..<5).map { "p\($0)" })
    let token = cat.list(org, try query(limit: 2)).nextToken
    #expect(!token.isEmpty)
    #expect(invalid { _ = try query([ListFilter(.contains, field: "name", values: ["p"])], limit: 2, token: token) }?.contains("other filters") == true)
    let otherOrg = try Organization(validating: "other")
    #expect(invalid { _ = try ListQuery(organization: otherOrg, limit: 2, token: token, filters: []) }?.contains("other filters, order or organization") == true)
    #expect(invalid { _ = try query(token: "zz") }?.contains("not valid") == true)
    #expect(invalid { _ = try query(token: "abc") }?.contains("not valid") == true)
    #expect(try query(limit: 9, token: token).after == "p0", "the page size may change between pages")
  }

  @Test func organizationsAreIsolated() throws {
    let other = try Organization(validating: "other")
    var cat = catalog(["a"])
    var pool = template.pool(for: other)
    pool.key.name = try ResourceName(validating: "b")
    cat.upsert(pool)
    #expect(names(cat.list(org, try query())) == ["a", "default"])
    #expect(names(cat.list(other, try ListQuery(organization: other, limit: 0, token: "", filters: []))) == ["b", "default"])
    #expect(cat.pool(PoolKey(organization: org, name: try ResourceName(validating: "b"))) == nil)
    #expect(cat.pool(PoolKey(organization: other, name: .defaultName))?.organization == other)
  }
}
