internal import ClusterPoolProto

/// The control-plane calls of `cloudidl.cluster.ClusterService`. Failures are thrown as
/// `ClientError` (a status and the server's message) or, before any call, as
/// `ConfigurationError` (unusable connection settings).
extension Cluster {
  typealias Service = Cloudidl.Cluster.ClusterService

  /// Registers a cluster into the pool `clusterPoolName` (`default` when `nil` or empty); the
  /// server also creates the cluster's implicit queue of the same name.
  ///
  /// ```swift
  /// try await Cluster.create("prod-us-east-1", clusterPoolName: "prod")
  /// ```
  public static func create(
    _ name: String, clusterPoolName: String? = nil, client: ControlPlaneClient? = nil
  ) async throws {
    let client = try ControlPlaneClient.resolve(client)
    let request = Cloudidl.Cluster.CreateClusterRequest(
      clusterId: identifier(name, client), clusterPoolName: clusterPoolName ?? "")
    _ = try await client.call(Service.CreateCluster.method, request, returning: Cloudidl.Cluster.CreateClusterResponse.self)
  }

  /// Asks to move the cluster into the pool `clusterPoolName` (UpdateCluster), as the official
  /// `Cluster.update` does. This server never moves a cluster in place: another pool is
  /// `FAILED_PRECONDITION` (drain, delete and register it again).
  public static func update(_ name: String, clusterPoolName: String, client: ControlPlaneClient? = nil) async throws {
    let client = try ControlPlaneClient.resolve(client)
    let request = Cloudidl.Cluster.UpdateClusterRequest(clusterId: identifier(name, client), clusterPoolName: clusterPoolName)
    _ = try await client.call(Service.UpdateCluster.method, request, returning: Cloudidl.Cluster.UpdateClusterResponse.self)
  }

  /// The cluster called `name`; `NOT_FOUND` when there is none (or it is deleted and
  /// `includeDeleted` is false).
  public static func get(_ name: String, includeDeleted: Bool = false, client: ControlPlaneClient? = nil) async throws
    -> Cluster
  {
    let client = try ControlPlaneClient.resolve(client)
    let response = try await client.call(
      Service.GetCluster.method,
      Cloudidl.Cluster.GetRequest(clusterId: identifier(name, client), includeDeleted: includeDeleted),
      returning: Cloudidl.Cluster.GetResponse.self)
    return try unwrap(response.cluster, "GetCluster")
  }

  /// Starts draining the cluster (ACTIVE → DRAINING): no new work is routed to it.
  /// `expectedGeneration` guards against a concurrent change (`ABORTED` when it differs);
  /// `nil` sends no guard (the wire's 0).
  @discardableResult
  public static func drain(_ name: String, expectedGeneration: UInt64? = nil, client: ControlPlaneClient? = nil)
    async throws -> Cluster
  {
    try await updateState(name, to: .draining, expectedGeneration: expectedGeneration, client: client)
  }

  /// Puts a draining or drained cluster back into routing (→ ACTIVE).
  @discardableResult
  public static func activate(_ name: String, expectedGeneration: UInt64? = nil, client: ControlPlaneClient? = nil)
    async throws -> Cluster
  {
    try await updateState(name, to: .active, expectedGeneration: expectedGeneration, client: client)
  }

  /// Asks for `state` (UpdateClusterState), guarded by `expectedGeneration` (`nil`: no
  /// guard).
  @discardableResult
  public static func updateState(
    _ name: String, to state: LifecycleState, expectedGeneration: UInt64? = nil, client: ControlPlaneClient? = nil
  ) async throws -> Cluster {
    let client = try ControlPlaneClient.resolve(client)
    let generation = expectedGeneration ?? 0  // 0: no guard
    let request = Cloudidl.Cluster.UpdateClusterStateRequest(
      clusterId: identifier(name, client), state: state.clusterProto, expectedGeneration: generation)
    let response = try await client.call(
      Service.UpdateClusterState.method, request, returning: Cloudidl.Cluster.UpdateClusterStateResponse.self)
    return try await orGet(response.cluster, name, client)
  }

  /// Deletes the cluster with its implicit queue, freeing its name (DELETING until a data
  /// plane that has reported confirms). Guarded like `drain`.
  @discardableResult
  public static func delete(_ name: String, expectedGeneration: UInt64? = nil, client: ControlPlaneClient? = nil)
    async throws -> Cluster?
  {
    let client = try ControlPlaneClient.resolve(client)
    let generation = expectedGeneration ?? 0  // 0: no guard
    let response = try await client.call(
      Service.DeleteCluster.method,
      Cloudidl.Cluster.DeleteRequest(clusterId: identifier(name, client), expectedGeneration: generation),
      returning: Cloudidl.Cluster.DeleteResponse.self)
    return response.cluster.map(Cluster.init(proto:))
  }

  /// Restores the deleted cluster `name` and returns it.
  @discardableResult
  public static func undelete(_ name: String, client: ControlPlaneClient? = nil) async throws -> Cluster {
    let client = try ControlPlaneClient.resolve(client)
    let response = try await client.call(
      Service.UndeleteCluster.method, Cloudidl.Cluster.UndeleteRequest(clusterId: identifier(name, client)),
      returning: Cloudidl.Cluster.UndeleteResponse.self)
    return try await orGet(response.cluster, name, client)
  }

  // MARK: plumbing

  static func identifier(_ name: String, _ client: ControlPlaneClient) -> Cloudidl.Common.ClusterIdentifier {
    .init(organization: client.organization, name: name)
  }

  private static func unwrap(_ cluster: Cloudidl.Cluster.Cluster?, _ method: String) throws(ClientError) -> Cluster {
    guard let cluster else {
      throw ClientError(code: .internalError, message: "the server's \(method) response has no cluster")
    }
    return Cluster(proto: cluster)
  }

  private static func orGet(_ cluster: Cloudidl.Cluster.Cluster?, _ name: String, _ client: ControlPlaneClient)
    async throws -> Cluster
  {
    if let cluster { return Cluster(proto: cluster) }
    return try await get(name, client: client)
  }
}
