import Testing

@testable import ClusterPoolDomain

/// ListClusters' and ListQueues' pages through a ``NameIndex`` (live and deleted names apart,
/// an `extra` name merged in, EQUAL and VALUE_IN looked up, other filters on packed bytes)
/// against the definition: every name checked one by one with ``NameMatcher`` on its String,
/// sorted, paged by tokens; and the index kept right through names moving between live,
/// deleted and absent.
@Suite struct NameIndexTests {
  let org = try! Organization(validating: "acme")

  /// The whole listing, page after page, through the index.
  func listing(_ index: NameIndex, live: [String: Bool], _ filters: [ListFilter], limit: UInt32) throws -> [String] {
    var names: [String] = []
    var token = ""
    repeat {
      let query = try QueueListQuery(organization: org, limit: limit, token: token, filters: filters)
      let named = query.page(
        index, extra: "default",
        { name -> String? in
          let isLive = name.isDefault ? true : live[name.value]
          return isLive.map { query.matches(name: name.value, pool: "p", state: "ACTIVE", live: $0) ? name.value : nil } ?? nil
        }, name: { $0 }, matching: { _ in true })
      names += named.items
      token = named.nextToken
    } while !token.isEmpty
    return names
  }

  /// The definition: every name (and `default`, live) matching, sorted.
  func expected(live: [String: Bool], _ filters: [ListFilter]) throws -> [String] {
    let query = try QueueListQuery(organization: org, limit: 0, token: "", filters: filters)
    var all = live
    all["default"] = true
    return all.filter { query.matches(name: $0.key, pool: "p", state: "ACTIVE", live: $0.value) }.map(\.key).sorted()
  }

  @Test func pagesEqualTheDefinitionForEveryFilterAndPageSize() throws {
    var index = NameIndex()
    var live: [String: Bool] = [:]
    var generator = SystemRandomNumberGenerator()
    let names = (0..<300).map { "n\($0 % 7)-\($0)" } + ["a", "ab", "b", "x-ul", "dea", "defaulta", "z"]
    for name in names {
      let state = Bool.random(using: &generator)
      index.move(name, from: nil, to: state)
      live[name] = state
    }
    // some move, some go
    for name in names.shuffled().prefix(80) {
      let next: Bool? = [true, false, nil].randomElement(using: &generator)!
      index.move(name, from: live[name], to: next)
      live[name] = next
    }
    #expect(index.count == live.count)
    #expect(index.names(deleted: false).map(\.value) == live.filter(\.value).map(\.key).sorted())
    #expect(index.names(deleted: true).map(\.value) == live.filter { !$0.value }.map(\.key).sorted())
    func filter(_ function: ListFilter.Function, _ values: [String]) -> ListFilter {
      ListFilter(function, field: "name", values: values)
    }
    let cases: [[ListFilter]] = [
      [], [ListFilter(.exists, field: "deleted_at")],
      [filter(.contains, ["n3"])], [filter(.contains, ["ul"])], [filter(.endsWith, ["1"])], [filter(.notEqual, ["default"])],
      [filter(.equal, ["default"])], [filter(.valueIn, ["a", "z", "default", "nope", "n1-1"])],
      [filter(.equal, ["ab"]), ListFilter(.exists, field: "deleted_at")], [filter(.containsCaseInsensitive, ["N2-"])],
      [filter(.valueNotIn, ["a", "b"]), filter(.contains, ["a"])],
    ]
    for filters in cases {
      for limit: UInt32 in [1, 3, 100, 1000] {
        #expect(try listing(index, live: live, filters, limit: limit) == expected(live: live, filters), "\(filters) limit \(limit)")
      }
    }
  }

  @Test func extraNameIsMergedInOrderAndOnlyOnce() throws {
    var index = NameIndex()
    for name in ["a", "c", "e"] { index.move(name, from: nil, to: true) }
    let query = try QueueListQuery(organization: org, limit: 2, token: "", filters: [])
    let first = query.page(index, extra: "d", { $0.value }, name: { $0 }, matching: { _ in true })
    #expect(first.items == ["a", "c"] && !first.nextToken.isEmpty)
    let next = try QueueListQuery(organization: org, limit: 2, token: first.nextToken, filters: [])
    let second = next.page(index, extra: "d", { $0.value }, name: { $0 }, matching: { _ in true })
    #expect(second.items == ["d", "e"] && second.nextToken.isEmpty)
    let last = query.page(index, extra: "z", { $0.value }, name: { $0 }, matching: { _ in true })
    #expect(last.items == ["a", "c"] && !last.nextToken.isEmpty)
  }
}
