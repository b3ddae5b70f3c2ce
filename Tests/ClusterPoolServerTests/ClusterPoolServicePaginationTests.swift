import ClusterPoolProto
import RPCCore
import Testing

@testable import ClusterPoolServer

/// Paging through 2,500 pools while others are created and deleted between pages.
@Suite struct ClusterPoolServicePaginationTests {
  @Test func everyPoolThatExistedThroughoutIsListedExactlyOnce() async throws {
    try await withPoolServer { pools, _ in
      let stable = (0..<2500).map { Self.name($0 * 4) }
      let ephemeral = (0..<300).map { Self.name($0 * 4 + 1) }
      try await createAll(stable + ephemeral, pools)

      var seen: [String] = []
      var token = ""
      var page = 0
      repeat {
        let response = try await pools.list(limit: 100, token: token)
        seen += response.clusterPools.compactMap { $0.id?.name }
        token = response.token
        // between pages: delete pools that were there, create pools before and after the cursor
        let toDelete = ephemeral[(page * 8) % 300..<min((page * 8) % 300 + 8, 300)]
        let toCreate: [String] = (0..<8).map { (j: Int) -> String in Self.name((j * 1250 + page * 7) % 10000) + "-p\(page)" }
        try await withThrowingTaskGroup(of: Void.self) { group in
          for name in toDelete { group.addTask { _ = await pools.code { try await $0.delete(name) } } }
          for name in toCreate { group.addTask { try await pools.create(name) } }
          try await group.waitForAll()
        }
        page += 1
      } while !token.isEmpty

      #expect(page >= 25)
      #expect(seen.count == Set(seen).count, "a pool was listed twice")
      let missing = Set(stable + ["default"]).subtracting(seen)
      #expect(missing.isEmpty, "missing: \(missing.sorted().prefix(5))")
      #expect(seen == seen.sorted(), "pages are in name order")
    }
  }

  static func name(_ n: Int) -> String {
    let digits = String(n)
    return "pool-" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits
  }

  func createAll(_ names: [String], _ pools: PoolServiceClient) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
      var iterator = names.makeIterator()
      for _ in 0..<64 {
        guard let name = iterator.next() else { break }
        group.addTask { try await pools.create(name) }
      }
      while try await group.next() != nil {
        if let name = iterator.next() { group.addTask { try await pools.create(name) } }
      }
    }
  }
}
