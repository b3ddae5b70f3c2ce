internal import ClusterPoolDomain
internal import ClusterPoolProto
internal import RPCCore

extension QueueService {
  /// CreateQueue, UpdateQueue, UpdateQueueState, DeleteQueue, UndeleteQueue: each checked and
  /// written in one store transaction; the reply shows the queue once durable.
  func registerWrites(in registry: MethodRegistry) {
    registry.unary(Self.method("CreateQueue"), API.CreateQueueRequest.self, API.CreateQueueResponse.self) { request, _ in
      let key = try key(request.id)
      let (spec, state) = try mappingDomainErrors { () throws(DomainError) in
        try QueueMessages.checkKnownFields(request.spec, request: request.unknownFields)
        return (try QueueMessages.spec(request.spec, poolRequired: false), try QueueMessages.initialState(request.state))
      }
      let store = self.store
      let actor = CallScope.actor(configuration.callerIdentity)
      let queue = try await mappingDomainErrors { () async throws(DomainError) in
        try await store.createQueue(key, spec, state: state, by: actor)
      }
      return .init(queue: render(.own(queue)))
    }
    registry.unary(Self.method("UpdateQueue"), API.UpdateQueueRequest.self, API.UpdateQueueResponse.self) { request, _ in
      let key = try key(request.id)
      let spec = try mappingDomainErrors { () throws(DomainError) in
        try QueueMessages.checkKnownFields(request.spec, request: request.unknownFields)
        return try QueueMessages.spec(request.spec, poolRequired: true)
      }
      let store = self.store
      let actor = CallScope.actor(configuration.callerIdentity)
      let queue = try await mappingDomainErrors { () async throws(DomainError) in try await store.updateQueue(key, spec, by: actor) }
      return .init(queue: render(.own(queue)))
    }
    registry.unary(Self.method("UpdateQueueState"), API.UpdateQueueStateRequest.self, API.UpdateQueueStateResponse.self) {
      request, _ in
      let expected = ClusterMessages.guardValue(request.expectedStateGeneration)
      let change: QueueLifecycleRequest
      switch request.state {
      case .draining, .drained: change = .drain(expectedGeneration: expected)
      case .active: change = .activate(expectedGeneration: expected)
      default:
        throw RPCError(
          code: .invalidArgument,
          message: "state must be QUEUE_STATE_DRAINING (drain) or QUEUE_STATE_ACTIVE (activate); delete with DeleteQueue")
      }
      return .init(queue: try await apply(change, to: try key(request.id)))
    }
    registry.unary(Self.method("DeleteQueue"), API.DeleteQueueRequest.self, API.DeleteQueueResponse.self) { request, _ in
      let change = QueueLifecycleRequest.delete(expectedGeneration: ClusterMessages.guardValue(request.expectedStateGeneration))
      return .init(queue: try await apply(change, to: try key(request.id)))
    }
    registry.unary(Self.method("UndeleteQueue"), API.UndeleteQueueRequest.self, API.UndeleteQueueResponse.self) { request, _ in
      .init(queue: try await apply(.undelete, to: try key(request.id)))
    }
  }

  /// Applies a lifecycle change as the caller; the queue as it is once durable.
  func apply(_ change: QueueLifecycleRequest, to key: QueueKey) async throws(RPCError) -> QueueMessage {
    let store = self.store
    let actor = CallScope.actor(configuration.callerIdentity)
    let queue = try await mappingDomainErrors { () async throws(DomainError) in try await store.changeQueue(key, change, by: actor) }
    return render(.own(queue))
  }
}
