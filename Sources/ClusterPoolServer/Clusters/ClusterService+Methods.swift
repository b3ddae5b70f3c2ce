internal import ClusterPoolDomain
internal import ClusterPoolProto
internal import ClusterPoolStore
internal import RPCCore

extension ClusterService {
  typealias API = Cloudidl.Cluster

  func registerReads(in registry: MethodRegistry) {
    registry.registerUnaryInline(
      Self.method("GetCluster"), deserializer: ProtoDeserializer<API.GetRequest>(), serializer: EncodedMessageSerializer()
    ) { request, _ in
      let shown = shown(try found(try key(request.clusterId), includeDeleted: request.includeDeleted))
      return EncodedMessage(
        bytes: try replies.reply(shown.cluster.key, shown) { try API.GetResponse(cluster: ClusterMessages.message(shown)).serializedBytes() })
    }
  }

  func registerWrites(in registry: MethodRegistry) {
    registry.unary(Self.method("CreateCluster"), API.CreateClusterRequest.self, API.CreateClusterResponse.self) { request, _ in
      let fallback = CallScope.organization(configuration.defaultOrganization)
      let (key, pool) = try mappingDomainErrors { () throws(DomainError) in
        let key = try ClusterMessages.key(request.clusterId, fallback)
        return (ClusterKey(organization: key.organization, name: try ClusterRegistration.name(key.name.value)),
          try ClusterMessages.poolName(request.clusterPoolName))
      }
      try CallScope.check(key.organization, target: AuditTarget(kind: "cluster", name: key.name.value))
      let store = self.store
      let actor = CallScope.actor(configuration.callerIdentity)
      _ = try await mappingDomainErrors { () async throws(DomainError) in try await store.registerCluster(key, into: pool, by: actor) }
      // a name registered again starts with no health (watchers were told by the store)
      if !StoreDryRun.isActive { health.forget(key) }
      return .init()
    }
    registry.unary(Self.method("UpdateCluster"), API.UpdateClusterRequest.self, API.UpdateClusterResponse.self) { request, _ in
      let cluster = try found(try key(request.clusterId))
      let pool = try mappingDomainErrors { () throws(DomainError) in try ClusterMessages.poolName(request.clusterPoolName) }
      // A move is rejected as a registration of the live cluster would be: into another pool
      // FAILED_PRECONDITION (drain, delete, re-register), into its own pool ALREADY_EXISTS.
      try mappingDomainErrors { () throws(DomainError) in
        try ClusterRegistration.check(
          cluster.key.name, into: PoolKey(organization: cluster.key.organization, name: pool), pool: nil,
          occupant: .cluster(pool: cluster.poolName))
      }
      return .init()
    }
    registry.unary(Self.method("UpdateClusterState"), API.UpdateClusterStateRequest.self, API.UpdateClusterStateResponse.self) {
      request, _ in
      let expected = ClusterMessages.guardValue(request.expectedGeneration)
      let change: ClusterLifecycleRequest
      switch request.state {
      case .draining: change = .drain(expectedGeneration: expected)
      case .active: change = .activate(expectedGeneration: expected)
      default:
        throw RPCError(
          code: .invalidArgument,
          message: "state must be CLUSTER_STATE_DRAINING (drain) or CLUSTER_STATE_ACTIVE (activate); delete with DeleteCluster")
      }
      return .init(cluster: render(try await apply(change, to: try key(request.clusterId))))
    }
    registry.unary(Self.method("DeleteCluster"), API.DeleteRequest.self, API.DeleteResponse.self) { request, _ in
      let change = ClusterLifecycleRequest.delete(expectedGeneration: ClusterMessages.guardValue(request.expectedGeneration))
      if StoreDryRun.isActive { return .init(cluster: render(try await dryRunDelete(change, of: try key(request.clusterId)))) }
      var cluster = try await apply(change, to: try key(request.clusterId))
      // DELETING until a zero-load report or the heartbeat timeout's silence; a data plane
      // silent that long already is gone now
      if cluster.lifecycle.state == .deleting && !health.silentAmong([cluster]).isEmpty {
        cluster = try await apply(.silentPastTimeout, to: cluster.key)
      }
      if !cluster.isLive { health.forget(cluster.key) }
      return .init(cluster: render(cluster))
    }
    registry.unary(Self.method("UndeleteCluster"), API.UndeleteRequest.self, API.UndeleteResponse.self) { request, _ in
      .init(cluster: render(try await apply(.undelete, to: try key(request.clusterId))))
    }
  }

  /// A dry run of DeleteCluster: the delete and, when it leaves the cluster DELETING with a
  /// data plane already silent for the timeout, the silence that ends it, as one write (the
  /// real call makes them two, the second after the first is durable); the health board is
  /// read, not changed.
  func dryRunDelete(_ change: ClusterLifecycleRequest, of key: ClusterKey) async throws(RPCError) -> Cluster {
    let store = self.store
    let health = self.health
    let actor = CallScope.actor(configuration.callerIdentity)
    return try await mappingDomainErrors { () async throws(DomainError) in
      try await store.changeCluster(
        key, change, then: { $0.lifecycle.state == .deleting && health.isSilent($0) ? .silentPastTimeout : nil }, by: actor)
    }
  }

  /// Applies a lifecycle change as the caller, once durable.
  func apply(_ change: ClusterLifecycleRequest, to key: ClusterKey) async throws(RPCError) -> Cluster {
    let store = self.store
    let actor = CallScope.actor(configuration.callerIdentity)
    // watchers are told by the store (ClusterService.init's observer)
    return try await mappingDomainErrors { () async throws(DomainError) in try await store.changeCluster(key, change, by: actor) }
  }
}
