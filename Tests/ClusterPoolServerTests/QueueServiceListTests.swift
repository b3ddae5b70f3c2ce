import ClusterPoolProto
import Foundation
import RPCCore
import Testing

@testable import ClusterPoolServer

/// ListQueues: keyset paging, filters on name, pool, state and EXISTS deleted_at, rejections.
@Suite struct QueueServiceListTests {
  @Test func pagesFiltersAndRejections() async throws {
    try await withQueueServer { pools, clusters, queues, _ in
      try await pools.create("prod")
      try await clusters.create("c-impl", pool: "prod")
      let names = (0..<23).map { String(format: "q%02d", $0) }
      for name in names { try await queues.create(name, QueueServiceClient.spec(pool: name < "q10" ? "prod" : "")) }
      var seen: [String] = []
      var token = ""
      var pages = 0
      repeat {
        let page = try await queues.list(limit: 10, token: token)
        seen += page.queues.compactMap(\.id?.name)
        token = page.token
        pages += 1
        if pages == 1 { try await queues.create("q99") }  // created between pages, after the cursor: seen
      } while !token.isEmpty
      #expect(pages == 3)
      #expect(seen == ["c-impl", "default"] + names + ["q99"])

      typealias F = Cloudidl.Common.Filter
      let inProd = try await queues.list(filters: [F(function: .equal, field: "pool", values: ["prod"])])
      #expect(inProd.queues.compactMap(\.id?.name) == ["c-impl"] + names.filter { $0 < "q10" })
      let contains = try await queues.list(filters: [F(function: .contains, field: "name", values: ["q2"])])
      #expect(contains.queues.compactMap(\.id?.name) == ["q20", "q21", "q22"])
      try await queues.setState("q05", .draining)
      let drained = try await queues.list(filters: [F(function: .equal, field: "state", values: ["QUEUE_STATE_DRAINED"])])
      #expect(drained.queues.compactMap(\.id?.name) == ["q05"])
      let active = try await queues.list(filters: [F(function: .valueNotIn, field: "state", values: ["ACTIVE"])])
      #expect(active.queues.compactMap(\.id?.name) == ["q05"])
      try await queues.delete("q05")
      let deleted = try await queues.list(filters: [F(function: .exists, field: "deleted_at")])
      #expect(deleted.queues.compactMap(\.id?.name) == ["q05"])
      #expect(try await queues.list(org: "other").queues.compactMap(\.id?.name) == ["default"])

      func code(_ filters: [F], token: String = "") async -> RPCStatusCode? {
        await queues.code { _ = try await queues.list(token: token, filters: filters) }?.0
      }
      #expect(await code([F(function: .equal, field: "color", values: ["red"])]) == .invalidArgument)
      let color = await queues.code { _ = try await queues.list(filters: [F(function: .equal, field: "color", values: ["red"])]) }
      #expect(color?.1.hasPrefix("cannot filter queues on field \"color\"") == true && color?.1.contains("on pool or state") == true)
      #expect(await code([F(function: .greaterThan, field: "pool", values: ["a"])]) == .invalidArgument)
      #expect(await code([F(function: .equal, field: "state", values: ["SLEEPING"])]) == .invalidArgument)
      let first = try await queues.list(limit: 5)
      #expect(await code([F(function: .equal, field: "pool", values: ["prod"])], token: first.token) == .invalidArgument)
      #expect(await code([], token: "garbage") == .invalidArgument)
    }
  }
}
