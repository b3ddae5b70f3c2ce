internal import ClusterPoolProto

extension Cluster {
  /// Every cluster, name by name, fetching pages as the loop needs them:
  ///
  /// ```swift
  /// for try await cluster in Cluster.listAll(limit: 100, pool: "prod") {
  ///   print(cluster.name, cluster.state, cluster.health)
  /// }
  /// ```
  ///
  /// - Parameters:
  ///   - limit: the most clusters to yield in all; `nil` for all of them.
  ///   - pageSize: clusters asked for per call (1...1000); default `min(limit, 100)`.
  ///   - pool: only clusters registered into this pool.
  ///   - deleted: list deleted clusters instead of live ones.
  ///   - nameContains: only clusters whose name contains this text.
  ///   - client: the connection; default `ControlPlaneClient.shared`.
  public static func listAll(
    limit: Int? = nil, pageSize: Int? = nil, pool: String? = nil, deleted: Bool = false, nameContains: String? = nil,
    client: ControlPlaneClient? = nil
  ) -> PagedSequence<Cluster> {
    let filters = listFilters(pool: pool, deleted: deleted, nameContains: nameContains)
    return PagedSequence(limit: limit, pageSize: pageSize) { token, size in
      let client = try ControlPlaneClient.resolve(client)
      let request = Cloudidl.Cluster.ListRequest(
        organization: client.organization, request: .init(limit: UInt32(size), token: token, filters: filters))
      let response = try await client.call(
        Service.ListClusters.method, request, returning: Cloudidl.Cluster.ListResponse.self)
      return (response.clusters.map(Cluster.init(proto:)), response.token)
    }
  }

  /// The number of clusters matching the same filters as `listAll`.
  public static func count(
    pool: String? = nil, deleted: Bool = false, nameContains: String? = nil, client: ControlPlaneClient? = nil
  ) async throws -> Int {
    let client = try ControlPlaneClient.resolve(client)
    let request = Cloudidl.Cluster.CountRequest(
      organization: client.organization, filters: listFilters(pool: pool, deleted: deleted, nameContains: nameContains))
    let response = try await client.call(Service.Count.method, request, returning: Cloudidl.Cluster.CountResponse.self)
    return Int(response.count)
  }

  /// The List/Count/Watch filters: `pool` EQUAL, `EXISTS deleted_at`, `name` CONTAINS.
  static func listFilters(pool: String?, deleted: Bool, nameContains: String?) -> [Cloudidl.Common.Filter] {
    var filters: [Cloudidl.Common.Filter] = []
    if let pool, !pool.isEmpty { filters.append(.init(function: .equal, field: "pool", values: [pool])) }
    if deleted { filters.append(.init(function: .exists, field: "deleted_at")) }
    if let nameContains, !nameContains.isEmpty {
      filters.append(.init(function: .contains, field: "name", values: [nameContains]))
    }
    return filters
  }
}
