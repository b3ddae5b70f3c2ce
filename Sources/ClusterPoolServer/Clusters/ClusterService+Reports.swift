internal import ClusterPoolDomain
internal import ClusterPoolProto
internal import RPCCore

extension ClusterService {
  /// Heartbeat and UpdateStatus: soft state in memory (saved on an interval by
  /// ``ClusterHealthKeeper``); the store is written only when the report changes the
  /// cluster's lifecycle: its first report (it then drains and deletes through its data
  /// plane), and a zero-load report of a DRAINING or DELETING cluster (DRAINED, DELETED).
  /// A report that changes nothing durable (nearly all of them) is recorded and answered on
  /// the event loop (``reportAtOnce(_:_:_:)``); the rest, refusals included, in a task.
  func registerReports(in registry: MethodRegistry) {
    registry.inlineFirst(
      Self.method("Heartbeat"), API.HeartbeatRequest.self, API.HeartbeatRequestResponse.self,
      fast: { request, _ in reportAtOnce(request.clusterId, .alive) { _ in .heartbeat } ? .init() : nil }
    ) { request, _ in
      let clusterKey = try key(request.clusterId)
      try CallScope.check(clusterKey, .manageCluster)
      try await report(.heartbeat, .alive, of: try found(clusterKey))
      return .init()
    }
    registry.inlineFirst(
      Self.method("UpdateStatus"), API.UpdateStatusRequest.self, API.UpdateStatusResponse.self,
      fast: { request, _ in
        guard let signal = try? Self.signal(of: request) else { return nil }
        return reportAtOnce(request.clusterId, signal) { [store] in Self.statusReport(request, pool: store.pool($0.poolKey)) } ? .init() : nil
      }
    ) { request, _ in
      let clusterKey = try key(request.clusterId)
      try CallScope.check(clusterKey, .manageCluster)
      let signal = try mappingDomainErrors { () throws(DomainError) in try Self.signal(of: request) }
      let cluster = try found(clusterKey)
      try await report(Self.statusReport(request, pool: store.pool(cluster.poolKey)), signal, of: cluster)
      return .init()
    }
  }

  /// What an UpdateStatus says of the data plane's work: without
  /// `status.capabilities.execution_load` only that it is alive.
  static func signal(of request: API.UpdateStatusRequest) throws(DomainError) -> DataPlaneReport {
    DataPlaneReport(load: try request.status?.capabilities?.executionLoad.map(ClusterMessages.load))
  }

  /// The health an UpdateStatus reports (the data plane it carried) against `pool`'s config.
  static func statusReport(_ request: API.UpdateStatusRequest, pool: ClusterPool?) -> ClusterHealthBoard.Report {
    .status(request.status?.operatorClusterData.map(ClusterMessages.reported), pool: pool)
  }

  /// Records on the spot a report (`signal`, the health `health(cluster)`) of the cluster
  /// `id` names when it changes nothing durable: the caller may report on it, it is live, and
  /// the report leaves its lifecycle as it is. Returns false, having done nothing, otherwise
  /// (the full handler then answers, refuses or writes).
  func reportAtOnce(
    _ id: Cloudidl.Common.ClusterIdentifier?, _ signal: DataPlaneReport, _ health: (Cluster) -> ClusterHealthBoard.Report
  ) -> Bool {
    let fallback = CallScope.organization(configuration.defaultOrganization)
    guard let key = try? ClusterMessages.key(id, fallback), CallScope.permits(key),
      let cluster = store.cluster(key), cluster.isLive,
      (try? cluster.lifecycle.applying(.report(signal), name: key.name)) == cluster.lifecycle
    else { return false }
    if self.health.record(health(cluster), of: cluster) { watchers.publish(cluster.key) }
    return true
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
