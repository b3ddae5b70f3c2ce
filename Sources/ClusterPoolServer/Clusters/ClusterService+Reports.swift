internal import ClusterPoolDomain
internal import ClusterPoolProto
internal import RPCCore

extension ClusterService {
  /// Heartbeat and UpdateStatus: soft state in memory; the store is written only the first
  /// time a cluster reports (it then drains and deletes through the data plane).
  func registerReports(in registry: MethodRegistry) {
    registry.unary(Self.method("Heartbeat"), API.HeartbeatRequest.self, API.HeartbeatRequestResponse.self) { request, _ in
      let cluster = try found(try key(request.clusterId))
      let before = health.reading(cluster.key)
      health.seen(cluster.key)
      if health.reading(cluster.key) != before { watchers.publish(cluster.key) }
      try await markReported(cluster)
      return .init()
    }
    registry.unary(Self.method("UpdateStatus"), API.UpdateStatusRequest.self, API.UpdateStatusResponse.self) { request, _ in
      let cluster = try found(try key(request.clusterId))
      var drift: [String] = []
      if let data = request.status?.operatorClusterData, let pool = store.pool(cluster.poolKey) {
        let reported = ReportedDataPlane(
          objectStoreURI: data.metadataObjectStoreRef?.uri ?? "", objectStoreEndpoint: data.metadataObjectStoreRef?.endpoint ?? "",
          secretStoreType: data.secretStore?.type.rawValue ?? 0, secretStoreLocator: data.secretStore?.locator ?? "",
          imageRegistry: data.imageRegistry?.locator ?? "")
        drift = DataPlaneDrift.reasons(reported, pool: pool.config, poolName: pool.name)
      }
      let before = health.reading(cluster.key)
      health.seen(cluster.key, drift: drift)
      if health.reading(cluster.key) != before { watchers.publish(cluster.key) }
      try await markReported(cluster)
      return .init()
    }
  }

  private func markReported(_ cluster: Cluster) async throws(RPCError) {
    guard !cluster.lifecycle.hasReported else { return }
    // not published to watchers: whether a cluster ever reported is not part of its summary
    let store = self.store
    let actor = configuration.callerIdentity
    _ = try await mappingDomainErrors { () async throws(DomainError) in
      try await store.changeCluster(cluster.key, .report(.alive), by: actor)
    }
  }
}
