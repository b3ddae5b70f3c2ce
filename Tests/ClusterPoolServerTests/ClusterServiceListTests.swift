import ClusterPoolProto
import Foundation
import RPCCore
import Testing

@testable import ClusterPoolServer

extension ClusterServiceClient {
  func list(limit: UInt32 = 0, token: String = "", filters: [Cloudidl.Common.Filter] = []) async throws -> Cloudidl.Cluster.ListResponse {
    try await call("ListClusters", Cloudidl.Cluster.ListRequest(request: .init(limit: limit, token: token, filters: filters)))
  }

  func count(filters: [Cloudidl.Common.Filter] = []) async throws -> Int64 {
    let response: Cloudidl.Cluster.CountResponse = try await call("Count", Cloudidl.Cluster.CountRequest(filters: filters))
    return response.count
  }
}

/// ListClusters and Count: paging, name and pool filters, deleted listing.
@Suite struct ClusterServiceListTests {
  @Test func pagingAndFilters() async throws {
    try await withClusterServer { pools, clusters, _ in
      try await pools.create("prod")
      try await pools.create("staging")
      for i in 0..<5 { try await clusters.create("prod-\(i)", pool: "prod") }
      for i in 0..<3 { try await clusters.create("stg-\(i)", pool: "staging") }
      _ = try await clusters.delete("stg-2")

      var names: [String] = []
      var token = ""
      repeat {
        let page = try await clusters.list(limit: 3, token: token)
        #expect(page.clusters.count <= 3)
        names += page.clusters.compactMap { $0.spec?.id?.name }
        token = page.token
      } while !token.isEmpty
      #expect(names == ["prod-0", "prod-1", "prod-2", "prod-3", "prod-4", "stg-0", "stg-1"])

      let staging = try await clusters.list(filters: [.init(function: .equal, field: "pool", values: ["staging"])])
      #expect(staging.clusters.compactMap { $0.spec?.id?.name } == ["stg-0", "stg-1"])
      let named = try await clusters.list(filters: [.init(function: .endsWith, field: "name", values: ["-1"])])
      #expect(named.clusters.compactMap { $0.spec?.id?.name } == ["prod-1", "stg-1"])
      let deleted = try await clusters.list(filters: [.init(function: .exists, field: "deleted_at")])
      #expect(deleted.clusters.compactMap { $0.spec?.id?.name } == ["stg-2"])

      #expect(try await clusters.count() == 7)
      #expect(try await clusters.count(filters: [.init(function: .valueIn, field: "pool", values: ["prod"])]) == 5)

      let badField = await clusters.code { _ = try await clusters.list(filters: [.init(function: .equal, field: "region", values: ["x"])]) }
      #expect(badField?.0 == .invalidArgument)
      #expect(badField?.1.contains("cannot filter clusters on field \"region\"") == true)
      #expect(badField?.1.contains("on pool (") == true && badField?.1.contains("cluster pools") == false)
      let badDeleted = await clusters.code { _ = try await clusters.list(filters: [.init(function: .equal, field: "deleted_at", values: [])]) }
      #expect(badDeleted?.1.contains("to list deleted clusters") == true)
      let badPool = await clusters.code { _ = try await clusters.list(filters: [.init(function: .greaterThan, field: "pool", values: ["x"])]) }
      #expect(badPool?.0 == .invalidArgument)
      let first = try await clusters.list(limit: 2)
      let otherListing = await clusters.code {
        _ = try await clusters.list(limit: 2, token: first.token, filters: [.init(function: .equal, field: "pool", values: ["prod"])])
      }
      #expect(otherListing?.0 == .invalidArgument)
    }
  }
}
