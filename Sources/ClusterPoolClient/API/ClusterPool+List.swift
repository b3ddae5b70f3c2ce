internal import ClusterPoolProto

extension ClusterPool {
  /// Every pool, name by name, fetching pages as the loop needs them and following the
  /// server's page tokens:
  ///
  /// ```swift
  /// for try await pool in ClusterPool.listAll(limit: 100) {
  ///   print(pool.name, pool.memberClusters, pool.objectStoreURI, pool.secretStoreType)
  /// }
  /// ```
  ///
  /// - Parameters:
  ///   - limit: the most pools to yield in all (as in the official SDK); `nil` for all of them.
  ///   - pageSize: pools asked for per call (1...1000); default `min(limit, 100)`.
  ///   - deleted: list soft-deleted pools instead of live ones.
  ///   - nameContains: only pools whose name contains this text.
  ///   - client: the connection; default `ControlPlaneClient.shared`.
  public static func listAll(
    limit: Int? = nil, pageSize: Int? = nil, deleted: Bool = false, nameContains: String? = nil,
    client: ControlPlaneClient? = nil
  ) -> ClusterPoolSequence {
    var filters: [Cloudidl.Common.Filter] = []
    if deleted { filters.append(.init(function: .exists, field: "deleted_at")) }
    if let nameContains, !nameContains.isEmpty {
      filters.append(.init(function: .contains, field: "name", values: [nameContains]))
    }
    let size = pageSize ?? Swift.min(limit ?? 100, 100)
    return ClusterPoolSequence(
      client: client, limit: limit, pageSize: Swift.max(1, Swift.min(size, 1000)), filters: filters)
  }
}

/// The pools of `ClusterPool.listAll`, fetched a page at a time as iteration proceeds.
/// Errors (`ClientError`, `ConfigurationError`) are thrown from `next()`.
public struct ClusterPoolSequence: AsyncSequence, Sendable {
  public typealias Element = ClusterPool

  let client: ControlPlaneClient?
  let limit: Int?
  let pageSize: Int
  let filters: [Cloudidl.Common.Filter]

  public func makeAsyncIterator() -> Iterator {
    Iterator(sequence: self)
  }

  /// Collects every element into an array.
  public func collect() async throws -> [ClusterPool] {
    var pools: [ClusterPool] = []
    for try await pool in self { pools.append(pool) }
    return pools
  }

  /// Yields the buffered page, fetching the next one when it runs out.
  public struct Iterator: AsyncIteratorProtocol {
    let sequence: ClusterPoolSequence
    private var buffer: [ClusterPool] = []
    private var index = 0
    private var token = ""
    private var started = false
    private var yielded = 0

    init(sequence: ClusterPoolSequence) { self.sequence = sequence }

    public mutating func next() async throws -> ClusterPool? {
      if let limit = sequence.limit, yielded >= limit { return nil }
      while index == buffer.count {
        if started && token.isEmpty { return nil }
        try await fetch()
      }
      defer { index += 1 }
      yielded += 1
      return buffer[index]
    }

    private mutating func fetch() async throws {
      let client = try ControlPlaneClient.resolve(sequence.client)
      var size = sequence.pageSize
      if let limit = sequence.limit { size = Swift.min(size, Swift.max(1, limit - yielded)) }
      let request = Cloudidl.Clusterpool.ListRequest(
        organization: client.organization,
        request: .init(limit: UInt32(size), token: token, filters: sequence.filters))
      let response = try await client.call(
        ClusterPool.Service.List.method, request, returning: Cloudidl.Clusterpool.ListResponse.self)
      if response.clusterPools.isEmpty && !response.token.isEmpty && response.token == token {
        throw ClientError(code: .internalError, message: "the server returned an empty page and the same page token")
      }
      started = true
      token = response.token
      buffer = response.clusterPools.map(ClusterPool.init(proto:))
      index = 0
    }
  }
}
