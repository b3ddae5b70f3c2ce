import ClusterPoolDomain
import Testing

@testable import ClusterPoolStore

/// List through the read model's name index on every backend (``StoreKind``): filtered pages
/// of live and of deleted pools as pools are created, deleted and undeleted, and the same
/// pages from a read model built anew from the backend's rows (a restart's load).
@Suite struct StoreListingTests {
  func names(_ store: PoolStore, _ filters: [ListFilter], limit: UInt32 = 4) throws -> [String] {
    var names: [String] = []
    var token = ""
    repeat {
      let page = store.list(acme, try ListQuery(organization: acme, limit: limit, token: token, filters: filters))
      names += page.pools.map(\.name.value)
      token = page.nextToken
    } while !token.isEmpty
    return names
  }

  @Test(arguments: StoreKind.allCases)
  func filteredListingsFollowCreatesDeletesAndUndeletes(_ kind: StoreKind) async throws {
    try await kind.with { store in
      await withTaskGroup(of: Void.self) { group in
        for i in 0..<30 {
          group.addTask { _ = try? await store.execute(.create(key("p-\(i < 10 ? "0" : "")\(i)"), config(), sentMembers: []), by: alice) }
        }
      }
      let contains5 = [ListFilter(.contains, field: "name", values: ["5"])]
      let deleted = [ListFilter(.exists, field: "deleted_at")]
      #expect(try names(store, contains5) == ["p-05", "p-15", "p-25"])
      _ = try await store.execute(.delete(key("p-15")), by: alice)
      _ = try await store.execute(.delete(key("p-05")), by: alice)
      #expect(try names(store, contains5) == ["p-25"])
      #expect(try names(store, contains5 + deleted) == ["p-05", "p-15"])
      #expect(try names(store, [ListFilter(.endsWith, field: "name", values: ["5"])] + deleted, limit: 1) == ["p-05", "p-15"])
      _ = try await store.execute(.undelete(key("p-05")), by: alice)
      #expect(try names(store, contains5) == ["p-05", "p-25"])
      #expect(try names(store, deleted) == ["p-15"])
      #expect(try names(store, [ListFilter(.valueIn, field: "name", values: ["p-15", "p-16", "default"])]) == ["default", "p-16"])
      #expect(try names(store, []).count == 30, "29 live pools and the implicit default")

      let loaded = StoreSnapshot(rows: try await store.core.backend.loadAll(), defaultPool: store.core.defaultPool)
      for filters in [contains5, contains5 + deleted, deleted, []] {
        let query = try ListQuery(organization: acme, limit: 100, token: "", filters: filters)
        #expect(loaded.list(acme, query) == store.list(acme, query), "\(filters.map(\.values))")
      }
    }
  }
}
