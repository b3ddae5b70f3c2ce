internal import ClusterPoolProto

extension Queue {
  /// Every queue, name by name, fetching pages as the loop needs them:
  ///
  /// ```swift
  /// for try await queue in Queue.listAll(limit: 100) { print(queue.name, queue.state, queue.availableClusters) }
  /// ```
  ///
  /// - Parameters:
  ///   - limit: the most queues to yield in all; `nil` for all of them.
  ///   - pageSize: queues asked for per call (1...1000); default `min(limit, 100)`.
  ///   - pool: only queues routing into this pool.
  ///   - state: only queues in this state (the server filters).
  ///   - deleted: list deleted queues instead of live ones.
  ///   - nameContains: only queues whose name contains this text.
  ///   - client: the connection; default `ControlPlaneClient.shared`.
  public static func listAll(
    limit: Int? = nil, pageSize: Int? = nil, pool: String? = nil, state: LifecycleState? = nil, deleted: Bool = false,
    nameContains: String? = nil, client: ControlPlaneClient? = nil
  ) -> PagedSequence<Queue> {
    var filters: [Cloudidl.Common.Filter] = []
    if deleted { filters.append(.init(function: .exists, field: "deleted_at")) }
    if let pool, !pool.isEmpty { filters.append(.init(function: .equal, field: "pool", values: [pool])) }
    if let state { filters.append(.init(function: .equal, field: "state", values: ["QUEUE_STATE_" + state.rawValue])) }
    if let nameContains, !nameContains.isEmpty {
      filters.append(.init(function: .contains, field: "name", values: [nameContains]))
    }
    return PagedSequence(limit: limit, pageSize: pageSize) { [filters] token, size in
      let client = try ControlPlaneClient.resolve(client)
      let request = Cloudidl.Queue.ListQueuesRequest(
        organization: client.organization, request: .init(limit: UInt32(size), token: token, filters: filters))
      let response = try await client.call(
        Service.ListQueues.method, request, returning: Cloudidl.Queue.ListQueuesResponse.self)
      return (response.queues.map(Queue.init(proto:)), response.token)
    }
  }
}
