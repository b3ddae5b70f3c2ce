internal import ClusterPoolDomain
internal import ClusterPoolProto
internal import RPCCore

extension ClusterService {
  /// Heartbeat and UpdateStatus: soft state in memory (saved on an interval by
  /// ``ClusterHealthKeeper``); the store is written only when the report changes the
  /// cluster's lifecycle: its first report (it then drains and deletes through its data
  /// plane), and a zero-load report of a DRAINING or DELETING cluster (DRAINED, DELETED).
  func registerReports(in registry: MethodRegistry) {
    registry.unary(Self.method("Heartbeat"), API.HeartbeatRequest.self, API.HeartbeatRequestResponse.self) { request, _ in
      let clusterKey = try key(request.clusterId)
      try CallScope.check(clusterKey, .manageCluster)
      try await report(.heartbeat, .alive, of: try found(clusterKey))
      return .init()
    }
    registry.unary(Self.method("UpdateStatus"), API.UpdateStatusRequest.self, API.UpdateStatusResponse.self) { request, _ in
      let clusterKey = try key(request.clusterId)
      try CallScope.check(clusterKey, .manageCluster)
      let load = try mappingDomainErrors { () throws(DomainError) in
        try request.status?.capabilities?.executionLoad.map(ClusterMessages.load)
      }
      let cluster = try found(clusterKey)
      let reported = request.status?.operatorClusterData.map(ClusterMessages.reported)
      // without `status.capabilities.execution_load` it only says the data plane is alive
      try await report(.status(reported, pool: store.pool(cluster.poolKey)), DataPlaneReport(load: load), of: cluster)
      return .init()
    }
  }

  /// Records a report of `cluster` (read from memory just before): its health, then its
  /// lifecycle when the report changes it (durably, before answering), telling watchers of
  /// either change.
  func report(_ report: ClusterHealthBoard.Report, _ signal: DataPlaneReport, of cluster: Cluster) async throws(RPCError) {
    if health.record(report, of: cluster) { watchers.publish(cluster.key) }
    // most reports change nothing durable: decided on the read copy, without a store write
    let next = try mappingDomainErrors { () throws(DomainError) in try cluster.lifecycle.applying(.report(signal), name: cluster.key.name) }
    guard next != cluster.lifecycle else { return }
    let store = self.store
    let actor = CallScope.actor(configuration.callerIdentity)
    let stored = try await mappingDomainErrors { () async throws(DomainError) in
      try await store.changeCluster(cluster.key, .report(signal), by: actor)
    }
    settled(stored, from: cluster.lifecycle.state)
  }

  /// After a lifecycle change the data plane caused (a report, or its silence): a deleted
  /// cluster's health is forgotten (watchers see a state change from the store's observer;
  /// whether a cluster ever reported is not part of its summary).
  func settled(_ cluster: Cluster, from state: ClusterState) {
    if !cluster.isLive { health.forget(cluster.key) }
  }
}
