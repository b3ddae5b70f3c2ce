internal import ClusterPoolProto

/// The control-plane calls of `cloudidl.queue.QueueService`. Failures are thrown as
/// `ClientError` or, before any call, as `ConfigurationError`.
extension Queue {
  typealias Service = Cloudidl.Queue.QueueService

  /// Creates an ACTIVE queue routing into `clusterPoolName` (`default` when `nil`), pinned to
  /// `clusters` when given (they must be live members of that pool), capped by `maxResources`
  /// and `maxAccelerators` when given.
  ///
  /// ```swift
  /// try await Queue.create("gpu", runConcurrency: 10, actionConcurrency: 100, clusterPoolName: "prod",
  ///                        priority: .max, fairness: .roundRobin, scheduling: .greedyCapacity,
  ///                        maxResources: [.init(.cpu, "64"), .init(.memory, "512Gi")],
  ///                        maxAccelerators: [try .init(parsing: "H100=8")])
  /// ```
  @discardableResult
  public static func create(
    _ name: String, runConcurrency: UInt32, actionConcurrency: UInt32, clusterPoolName: String? = nil,
    clusters: [String] = [], depth: UInt32 = 0, priority: QueuePriority? = nil, fairness: QueueFairness? = nil,
    scheduling: QueueScheduling? = nil, maxResources: [QueueResourceCap] = [], maxAccelerators: [QueueAcceleratorCap] = [],
    scope: QueueScope = .organization, client: ControlPlaneClient? = nil
  ) async throws -> Queue {
    let spec = QueueSpec(
      runConcurrency: runConcurrency, actionConcurrency: actionConcurrency, depth: depth, priority: priority,
      fairness: fairness, scheduling: scheduling, clusterPoolName: clusterPoolName ?? "", clusters: clusters,
      maxResources: maxResources, maxAccelerators: maxAccelerators)
    return try await create(name, spec: spec, scope: scope, client: client)
  }

  /// Creates an ACTIVE queue with `spec` and returns it.
  @discardableResult
  public static func create(
    _ name: String, spec: QueueSpec, scope: QueueScope = .organization, client: ControlPlaneClient? = nil
  ) async throws -> Queue {
    let client = try ControlPlaneClient.resolve(client)
    let request = Cloudidl.Queue.CreateQueueRequest(id: identifier(name, client, scope), spec: spec.proto, state: .active)
    let response = try await client.call(
      Service.CreateQueue.method, request, returning: Cloudidl.Queue.CreateQueueResponse.self)
    return try await orGet(response.queue, name, client, scope)
  }

  /// The queue called `name`, live or deleted (a deleted one has `deletedAt` set);
  /// `NOT_FOUND` when there is none.
  public static func get(_ name: String, scope: QueueScope = .organization, client: ControlPlaneClient? = nil)
    async throws -> Queue
  {
    let client = try ControlPlaneClient.resolve(client)
    let response = try await client.call(
      Service.GetQueue.method, Cloudidl.Queue.GetQueueRequest(id: identifier(name, client, scope)),
      returning: Cloudidl.Queue.GetQueueResponse.self)
    guard let queue = response.queue else {
      throw ClientError(code: .internalError, message: "the server's GetQueue response has no queue")
    }
    return Queue(proto: queue)
  }

  /// Changes the given parts of a queue's spec; `nil` keeps a part as it is. `maxResources`
  /// and `maxAccelerators` replace the caps whole (`[]` removes them). The pool can change
  /// only while the queue is DRAINED; implicit queues cannot be updated.
  @discardableResult
  public static func update(
    _ name: String, runConcurrency: UInt32? = nil, actionConcurrency: UInt32? = nil, clusterPoolName: String? = nil,
    clusters: [String]? = nil, depth: UInt32? = nil, priority: QueuePriority? = nil, fairness: QueueFairness? = nil,
    scheduling: QueueScheduling? = nil, maxResources: [QueueResourceCap]? = nil,
    maxAccelerators: [QueueAcceleratorCap]? = nil, scope: QueueScope = .organization, client: ControlPlaneClient? = nil
  ) async throws -> Queue {
    let client = try ControlPlaneClient.resolve(client)
    var spec = try await get(name, scope: scope, client: client).spec
    if let runConcurrency { spec.runConcurrency = runConcurrency }
    if let actionConcurrency { spec.actionConcurrency = actionConcurrency }
    if let clusterPoolName { spec.clusterPoolName = clusterPoolName }
    if let clusters { spec.clusters = clusters }
    if let depth { spec.depth = depth }
    if let priority { spec.priority = priority }
    if let fairness { spec.fairness = fairness }
    if let scheduling { spec.scheduling = scheduling }
    if let maxResources { spec.maxResources = maxResources }
    if let maxAccelerators { spec.maxAccelerators = maxAccelerators }
    return try await update(name, spec: spec, scope: scope, client: client)
  }

  /// Replaces the spec of the queue `name` and returns the queue. `spec.clusterPoolName` must
  /// name the pool (the queue's own to keep it); changing it needs the queue DRAINED.
  @discardableResult
  public static func update(
    _ name: String, spec: QueueSpec, scope: QueueScope = .organization, client: ControlPlaneClient? = nil
  ) async throws -> Queue {
    let client = try ControlPlaneClient.resolve(client)
    let response = try await client.call(
      Service.UpdateQueue.method, Cloudidl.Queue.UpdateQueueRequest(id: identifier(name, client, scope), spec: spec.proto),
      returning: Cloudidl.Queue.UpdateQueueResponse.self)
    return try await orGet(response.queue, name, client, scope)
  }

  /// Drains the queue (no new work; with no running work tracked, it reads DRAINED at once).
  /// `expectedStateGeneration` guards against a concurrent change (`ABORTED`); `nil` sends
  /// no guard (the wire's 0).
  @discardableResult
  public static func drain(_ name: String, expectedStateGeneration: UInt64? = nil, client: ControlPlaneClient? = nil)
    async throws -> Queue
  {
    try await updateState(name, to: .draining, expectedStateGeneration: expectedStateGeneration, client: client)
  }

  /// Puts a draining or drained queue back into service (→ ACTIVE).
  @discardableResult
  public static func activate(_ name: String, expectedStateGeneration: UInt64? = nil, client: ControlPlaneClient? = nil)
    async throws -> Queue
  {
    try await updateState(name, to: .active, expectedStateGeneration: expectedStateGeneration, client: client)
  }

  /// Asks for `state` (UpdateQueueState), guarded by `expectedStateGeneration`.
  @discardableResult
  public static func updateState(
    _ name: String, to state: LifecycleState, expectedStateGeneration: UInt64? = nil,
    scope: QueueScope = .organization, client: ControlPlaneClient? = nil
  ) async throws -> Queue {
    let client = try ControlPlaneClient.resolve(client)
    let generation = expectedStateGeneration ?? 0  // 0: no guard
    let request = Cloudidl.Queue.UpdateQueueStateRequest(
      id: identifier(name, client, scope), state: state.queueProto, expectedStateGeneration: generation)
    let response = try await client.call(
      Service.UpdateQueueState.method, request, returning: Cloudidl.Queue.UpdateQueueStateResponse.self)
    return try await orGet(response.queue, name, client, scope)
  }

  /// Deletes a DRAINED queue (`FAILED_PRECONDITION` otherwise, and for implicit queues).
  @discardableResult
  public static func delete(
    _ name: String, expectedStateGeneration: UInt64? = nil, scope: QueueScope = .organization,
    client: ControlPlaneClient? = nil
  ) async throws -> Queue? {
    let client = try ControlPlaneClient.resolve(client)
    let generation = expectedStateGeneration ?? 0  // 0: no guard
    let response = try await client.call(
      Service.DeleteQueue.method,
      Cloudidl.Queue.DeleteQueueRequest(id: identifier(name, client, scope), expectedStateGeneration: generation),
      returning: Cloudidl.Queue.DeleteQueueResponse.self)
    return response.queue.map(Queue.init(proto:))
  }

  /// Restores the deleted queue `name` and returns it.
  @discardableResult
  public static func undelete(_ name: String, scope: QueueScope = .organization, client: ControlPlaneClient? = nil)
    async throws -> Queue
  {
    let client = try ControlPlaneClient.resolve(client)
    let response = try await client.call(
      Service.UndeleteQueue.method, Cloudidl.Queue.UndeleteQueueRequest(id: identifier(name, client, scope)),
      returning: Cloudidl.Queue.UndeleteQueueResponse.self)
    return try await orGet(response.queue, name, client, scope)
  }

  // MARK: plumbing

  static func identifier(_ name: String, _ client: ControlPlaneClient, _ scope: QueueScope = .organization)
    -> Cloudidl.Common.QueueIdentifier
  {
    .init(organization: client.organization, domain: scope.domain, project: scope.project, name: name)
  }

  private static func orGet(
    _ queue: Cloudidl.Queue.Queue?, _ name: String, _ client: ControlPlaneClient, _ scope: QueueScope
  ) async throws -> Queue {
    if let queue { return Queue(proto: queue) }
    return try await get(name, scope: scope, client: client)
  }
}
