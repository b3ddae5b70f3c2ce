internal import ClusterPoolProto

/// The control-plane calls of `cloudidl.clusterpool.ClusterPoolService`. Failures are thrown
/// as `ClientError` (a status and the server's message) or, before any call, as
/// `ConfigurationError` (unusable connection settings).
extension ClusterPool {
  typealias Service = Cloudidl.Clusterpool.ClusterPoolService

  /// Creates a pool with the given data-plane contract.
  ///
  /// ```swift
  /// try await ClusterPool.create(
  ///   "prod", objectStoreURI: "s3://my-prod-bucket/prefix", secretStoreType: .awsSecretsManager,
  ///   secretStoreLocator: "us-east-1", imageRegistry: "123456789012.dkr.ecr.us-east-1.amazonaws.com/union")
  /// ```
  public static func create(
    _ name: String, objectStoreURI: String, objectStoreEndpoint: String = "", secretStoreType: SecretStoreType,
    secretStoreLocator: String = "", imageRegistry: String = "", client: ControlPlaneClient? = nil
  ) async throws {
    let config = ClusterPoolConfig(
      objectStoreURI: objectStoreURI, objectStoreEndpoint: objectStoreEndpoint, secretStoreType: secretStoreType,
      secretStoreLocator: secretStoreLocator, imageRegistry: imageRegistry)
    try await create(name, config: config, client: client)
  }

  /// Creates a pool with `config` (a `nil` secret store type is sent as UNSPECIFIED, which the
  /// server rejects with its own message).
  public static func create(_ name: String, config: ClusterPoolConfig, client: ControlPlaneClient? = nil) async throws {
    let client = try ControlPlaneClient.resolve(client)
    let pool = Cloudidl.Clusterpool.ClusterPool(id: identifier(name, client), config: config.proto)
    _ = try await client.call(Service.Create.method, Cloudidl.Clusterpool.CreateRequest(clusterPool: pool),
      returning: Cloudidl.Clusterpool.CreateResponse.self)
  }

  /// The live pool called `name`; `NOT_FOUND` when there is none.
  public static func get(_ name: String, client: ControlPlaneClient? = nil) async throws -> ClusterPool {
    let client = try ControlPlaneClient.resolve(client)
    let response = try await client.call(
      Service.Get.method, Cloudidl.Clusterpool.GetRequest(id: identifier(name, client)),
      returning: Cloudidl.Clusterpool.GetResponse.self)
    guard let pool = response.clusterPool else {
      throw ClientError(code: .internalError, message: "the server's Get response has no cluster_pool")
    }
    return ClusterPool(proto: pool)
  }

  /// Changes the given parts of a pool's config; `nil` keeps a part as it is. Reads the pool,
  /// then replaces its config (membership is derived by the server and sent back unchanged).
  @discardableResult
  public static func update(
    _ name: String, objectStoreURI: String? = nil, objectStoreEndpoint: String? = nil,
    secretStoreType: SecretStoreType? = nil, secretStoreLocator: String? = nil, imageRegistry: String? = nil,
    client: ControlPlaneClient? = nil
  ) async throws -> ClusterPool {
    let client = try ControlPlaneClient.resolve(client)
    var pool = try await get(name, client: client)
    if let objectStoreURI { pool.config.objectStoreURI = objectStoreURI }
    if let objectStoreEndpoint { pool.config.objectStoreEndpoint = objectStoreEndpoint }
    if let secretStoreType { pool.config.secretStoreType = secretStoreType }
    if let secretStoreLocator { pool.config.secretStoreLocator = secretStoreLocator }
    if let imageRegistry { pool.config.imageRegistry = imageRegistry }
    try await replace(pool, client: client)
    return pool
  }

  /// Replaces the whole config of the live pool `name` with `config`.
  @discardableResult
  public static func update(_ name: String, config: ClusterPoolConfig, client: ControlPlaneClient? = nil) async throws
    -> ClusterPool
  {
    let client = try ControlPlaneClient.resolve(client)
    var pool = try await get(name, client: client)
    pool.config = config
    try await replace(pool, client: client)
    return pool
  }

  /// Soft-deletes the pool `name` (its name stays reserved; `undelete` restores it).
  /// `FAILED_PRECONDITION` for `default` and while clusters or queues reference the pool.
  public static func delete(_ name: String, client: ControlPlaneClient? = nil) async throws {
    let client = try ControlPlaneClient.resolve(client)
    _ = try await client.call(
      Service.Delete.method, Cloudidl.Clusterpool.DeleteRequest(id: identifier(name, client)),
      returning: Cloudidl.Clusterpool.DeleteResponse.self)
  }

  /// Restores the deleted pool `name` with its config and returns it; `NOT_FOUND` when no
  /// deleted pool has that name.
  @discardableResult
  public static func undelete(_ name: String, client: ControlPlaneClient? = nil) async throws -> ClusterPool {
    let client = try ControlPlaneClient.resolve(client)
    let response = try await client.call(
      Service.Undelete.method, Cloudidl.Clusterpool.UndeleteRequest(id: identifier(name, client)),
      returning: Cloudidl.Clusterpool.UndeleteResponse.self)
    guard let pool = response.clusterPool else { return try await get(name, client: client) }
    return ClusterPool(proto: pool)
  }

  // MARK: plumbing

  private static func replace(_ pool: ClusterPool, client: ControlPlaneClient) async throws(ClientError) {
    let proto = Cloudidl.Clusterpool.ClusterPool(
      id: .init(organization: pool.organization.isEmpty ? client.organization : pool.organization, name: pool.name),
      memberClusters: pool.memberClusters.map {
        .init(organization: pool.organization.isEmpty ? client.organization : pool.organization, name: $0)
      },
      config: pool.config.proto)
    _ = try await client.call(
      Service.Update.method, Cloudidl.Clusterpool.UpdateRequest(clusterPool: proto),
      returning: Cloudidl.Clusterpool.UpdateResponse.self)
  }

  static func identifier(_ name: String, _ client: ControlPlaneClient) -> Cloudidl.Common.ClusterPoolIdentifier {
    .init(organization: client.organization, name: name)
  }
}
