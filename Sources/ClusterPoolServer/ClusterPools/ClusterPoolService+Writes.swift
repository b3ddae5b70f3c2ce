internal import ClusterPoolDomain
internal import ClusterPoolProto
internal import NIOCore
internal import RPCCore

extension ClusterPoolService {
  func registerWrites(in registry: MethodRegistry) {
    registry.unary(Self.method("Create"), Cloudidl.Clusterpool.CreateRequest.self, Cloudidl.Clusterpool.CreateResponse.self) {
      request, _ in
      let (key, config, members) = try poolSpec(request.clusterPool)
      _ = try await execute(.create(key, config, sentMembers: members))
      return .init()
    }
    registry.unary(Self.method("Update"), Cloudidl.Clusterpool.UpdateRequest.self, Cloudidl.Clusterpool.UpdateResponse.self) {
      request, _ in
      let (key, config, members) = try poolSpec(request.clusterPool)
      _ = try await execute(.update(key, config, sentMembers: members))
      return .init()
    }
    registry.unary(Self.method("Delete"), Cloudidl.Clusterpool.DeleteRequest.self, Cloudidl.Clusterpool.DeleteResponse.self) {
      request, _ in
      _ = try await execute(.delete(try key(request.id)))
      return .init()
    }
    registry.registerUnary(
      Self.method("Undelete"), deserializer: ProtoDeserializer<Cloudidl.Clusterpool.UndeleteRequest>(),
      serializer: EncodedMessageSerializer()
    ) { request, _ in
      let pool = try await execute(.undelete(try key(request.id)))
      return EncodedMessage(bytes: try cache.entry(for: pool).getResponse)
    }
  }

  /// Key, validated config and sent membership of a Create or Update.
  func poolSpec(_ message: PoolMessage?) throws(RPCError) -> (PoolKey, ClusterPoolConfig, [String]) {
    let fallback = CallScope.organization(configuration.defaultOrganization)
    let spec = try mappingDomainErrors { () throws(DomainError) in
      guard let message else {
        throw DomainError(.invalidArgument, "cluster_pool is required: give its id (name) and config")
      }
      let key = try ClusterPoolMessages.key(message.id, fallback)
      let config = try ClusterPoolMessages.config(message.config)
      return (key, config, ClusterPoolMessages.sentMembers(message.memberClusters, key.organization))
    }
    try CallScope.check(spec.0.organization, target: AuditTarget(kind: "pool", name: spec.0.name.value))
    return spec
  }

  /// Applies `command` as the caller, once durable.
  func execute(_ command: PoolCommand) async throws(RPCError) -> ClusterPool {
    let store = self.store
    let actor = CallScope.actor(configuration.callerIdentity)
    return try await mappingDomainErrors { () async throws(DomainError) in try await store.execute(command, by: actor) }
  }
}
