internal import ClusterPoolDomain
internal import ClusterPoolProto
internal import RPCCore

extension ClusterService {
  /// WatchClusters: the caller's organization only; a first message with the matching
  /// clusters, then one message per change of a matching cluster, until the client cancels.
  func registerWatch(in registry: MethodRegistry) {
    registry.serverStreaming(Self.method("WatchClusters"), API.WatchClustersRequest.self, API.WatchClustersResponse.self) {
      request, writer, _ in
      let org = CallScope.organization(configuration.defaultOrganization)
      let query = try mappingDomainErrors { () throws(DomainError) in
        try ClusterListQuery(organization: org, limit: 0, token: "", filters: ClusterPoolMessages.filters(request.filters))
      }
      let changes = watchers.subscribe(org)
      let current = store.clusters(in: org, includeDeleted: false).filter { query.matchesNameAndPool($0) }
      try await writer.write(API.WatchClustersResponse(clusters: current.map(summary)))
      for await key in changes {
        guard let cluster = store.cluster(key), query.matchesNameAndPool(cluster) else { continue }
        try await writer.write(API.WatchClustersResponse(clusters: [summary(cluster)]))
      }
    }
  }

  func summary(_ cluster: Cluster) -> API.ClusterSummary {
    let message = render(cluster)
    let health: API.HealthStatus =
      switch message.status?.health {
      case .healthy?: .healthy
      case .unhealthy?: .unhealthy
      default: .unspecified
      }
    return API.ClusterSummary(
      id: message.spec?.id, clusterPool: message.pool,
      health: .init(status: health, unhealthyReasons: message.status?.unhealthyReasons ?? []), drainStatus: message.drainStatus)
  }
}
