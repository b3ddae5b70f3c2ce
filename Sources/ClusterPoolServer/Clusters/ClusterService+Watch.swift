internal import ClusterPoolDomain
internal import ClusterPoolProto
internal import RPCCore

extension ClusterService {
  /// WatchClusters: the caller's organization only; a first message with the matching
  /// clusters, then one message per change of a matching cluster, until the client cancels.
  /// With a verified caller (`--auth on`), every change of the organization's identity and
  /// access rows authenticates and authorizes the call again (the registry's authenticator
  /// over the call's own head): a caller whose key was deleted, or whose assignment no longer
  /// grants the read, ends with that refusal (UNAUTHENTICATED or PERMISSION_DENIED); so does
  /// one whose access token expires while it watches (checked again at its expiry).
  func registerWatch(in registry: MethodRegistry) {
    registry.serverStreaming(Self.method("WatchClusters"), API.WatchClustersRequest.self, API.WatchClustersResponse.self) {
      [weak registry] request, writer, _ in
      let org = CallScope.organization(configuration.defaultOrganization)
      let query = try mappingDomainErrors { () throws(DomainError) in
        try ClusterListQuery(organization: org, limit: 0, token: "", filters: ClusterPoolMessages.filters(request.filters))
      }
      let changes = watchers.subscribe(org)
      let expiry = Self.expiryCheck(by: registry?.authenticator, watchers, org)
      defer { expiry?.cancel() }
      let current = store.clusters(in: org, includeDeleted: false).filter { query.matchesNameAndPool($0) }
      try await writer.write(API.WatchClustersResponse(clusters: current.map(summary)))
      for await event in changes {
        guard case .cluster(let key) = event else {
          try Self.reauthorize(by: registry?.authenticator)
          continue
        }
        guard let cluster = store.cluster(key), query.matchesNameAndPool(cluster) else { continue }
        try await writer.write(API.WatchClustersResponse(clusters: [summary(cluster)]))
      }
    }
  }

  /// Authenticates and authorizes the running call again, as at its start; throws the refusal.
  /// Nothing to do for a call without a caller (`--auth off`).
  static func reauthorize(by authenticator: (any CallAuthenticator)?) throws(RPCError) {
    guard let context = ServerContext.current, context.caller != nil, let authenticator else { return }
    _ = try context.authenticated(by: authenticator)
  }

  /// For a call whose credential expires: a task telling the organization's watches to check
  /// their access again once it has (a second after the last one accepted).
  static func expiryCheck(by authenticator: (any CallAuthenticator)?, _ watchers: ClusterWatchHub, _ org: Organization)
    -> Task<Void, Never>?
  {
    guard let context = ServerContext.current, context.caller != nil,
      let until = authenticator?.credentialExpiry(context)
    else { return nil }
    let seconds = max(until - WallClock.now().nanosecondsSinceEpoch / 1_000_000_000, 0) + 1
    return Task {
      guard (try? await Task.sleep(for: .seconds(seconds))) != nil else { return }
      watchers.publishAccess([org])
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
