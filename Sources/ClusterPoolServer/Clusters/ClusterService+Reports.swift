internal import ClusterPoolDomain
internal import ClusterPoolProto
internal import RPCCore

extension ClusterService {
  /// Heartbeat and UpdateStatus: soft state in memory (saved on an interval by
  /// ``ClusterHealthKeeper``); the store is written at once only the first time a cluster
  /// reports (it then drains and deletes through the data plane).
  func registerReports(in registry: MethodRegistry) {
    registry.unary(Self.method("Heartbeat"), API.HeartbeatRequest.self, API.HeartbeatRequestResponse.self) { request, _ in
      try await report(.heartbeat, of: try found(try key(request.clusterId)))
      return .init()
    }
    registry.unary(Self.method("UpdateStatus"), API.UpdateStatusRequest.self, API.UpdateStatusResponse.self) { request, _ in
      let cluster = try found(try key(request.clusterId))
      let reported = request.status?.operatorClusterData.map(ClusterMessages.reported)
      try await report(.status(reported, pool: store.pool(cluster.poolKey)), of: cluster)
      return .init()
    }
  }

  private func report(_ report: ClusterHealthBoard.Report, of cluster: Cluster) async throws(RPCError) {
    if health.record(report, of: cluster) { watchers.publish(cluster.key) }
    guard !cluster.lifecycle.hasReported else { return }
    // not published to watchers: whether a cluster ever reported is not part of its summary
    let store = self.store
    let actor = configuration.callerIdentity
    _ = try await mappingDomainErrors { () async throws(DomainError) in
      try await store.changeCluster(cluster.key, .report(.alive), by: actor)
    }
  }
}
