internal import ClusterPoolProto

/// The calls a cluster's data plane (its operator) makes: heartbeats and status reports.
extension Cluster {
  /// Tells the control plane the cluster is alive; a cluster without heartbeats for the
  /// server's interval reads UNHEALTHY. `NOT_FOUND`/`FAILED_PRECONDITION` for a deleted cluster.
  public static func heartbeat(_ name: String, client: ControlPlaneClient? = nil) async throws {
    let client = try ControlPlaneClient.resolve(client)
    _ = try await client.call(
      Service.Heartbeat.method, Cloudidl.Cluster.HeartbeatRequest(clusterId: identifier(name, client)),
      returning: Cloudidl.Cluster.HeartbeatRequestResponse.self)
  }

  /// Reports the data plane the cluster actually uses (object store, secret store, registry):
  /// any difference from its pool's config makes it UNHEALTHY, one reason per differing item,
  /// until a report matches again. `healthy` is the operator's own verdict (`nil`: none).
  public static func reportStatus(
    _ name: String, dataPlane: ClusterPoolConfig, healthy: Bool? = nil, client: ControlPlaneClient? = nil
  ) async throws {
    let client = try ControlPlaneClient.resolve(client)
    let config = dataPlane.proto
    let status = Cloudidl.Cluster.Status(
      health: healthy.map { $0 ? .healthy : .unhealthy } ?? .unknown,
      operatorClusterData: .init(
        metadataObjectStoreRef: config.objectStoreRef, secretStore: config.secretStore,
        imageRegistry: config.imageRegistry))
    _ = try await client.call(
      Service.UpdateStatus.method, Cloudidl.Cluster.UpdateStatusRequest(clusterId: identifier(name, client), status: status),
      returning: Cloudidl.Cluster.UpdateStatusResponse.self)
  }
}
