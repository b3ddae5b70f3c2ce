internal import ClusterPoolDomain
internal import ClusterPoolProto
internal import RPCCore
internal import Synchronization

extension QueueService {
  typealias API = Cloudidl.Queue

  /// GetQueue and ListQueues, served inline from memory.
  func registerReads(in registry: MethodRegistry) {
    registry.registerUnaryInline(
      Self.method("GetQueue"), deserializer: ProtoDeserializer<API.GetQueueRequest>(), serializer: EncodedMessageSerializer()
    ) { request, _ in
      try getQueue(request)
    }
    registry.registerUnaryInline(
      Self.method("ListQueues"), deserializer: ProtoDeserializer<API.ListQueuesRequest>(),
      serializer: ProtoSerializer<API.ListQueuesResponse>()
    ) { request, _ in
      let resolved = try CallScope.resolve(request.organization, fallback: configuration.defaultOrganization)
      let list = request.request ?? .init()
      let (org, query) = try mappingDomainErrors { () throws(DomainError) in
        let org = resolved
        return (
          org,
          try QueueListQuery(
            organization: org, limit: list.limit, token: list.token, filters: ClusterPoolMessages.filters(list.filters),
            rawFilters: list.rawFilters)
        )
      }
      let page = store.queuePage(org, query, item: QueueEntry.resolve(own:cluster:), name: \.name.value) { entry in
        query.matches(name: entry.name.value, pool: entry.poolName.value, state: entry.stateName, live: entry.isLive)
      }
      return API.ListQueuesResponse(queues: page.items.map(render), token: page.nextToken)
    }
  }
}

extension QueueService {
  /// GetQueue: the kept reply while nothing it shows can have changed (the stamp read before
  /// rendering it still holds and no member's heartbeat timeout came), else rendered again.
  func getQueue(_ request: API.GetQueueRequest) throws(RPCError) -> EncodedMessage {
    let key = try key(request.id)
    // read before what the reply is rendered from: a change meanwhile leaves a stale stamp
    let stamp = QueueStamp(rows: store.version(of: key.organization), health: routing.health.generation.load(ordering: .acquiring))
    if let kept = replies.kept(key, stamp) { return EncodedMessage(bytes: kept) }
    guard let entry = entry(key) else {
      throw RPCError(
        code: .notFound,
        message: "queue \"\(key.name)\" does not exist in organization \"\(key.organization)\": list queues with flyte get queue")
    }
    let (available, validUntil) = routing.availableClusters(entry)
    let shown = ShownQueue(entry: entry, available: available)
    // an unwritten organization's `default` queue is not kept: any organization name has one
    let keep = !key.name.isDefault || store.pool(PoolKey(organization: key.organization, name: .defaultName))?.revision != 0
    return EncodedMessage(
      bytes: try replies.encoded(key, stamp, validUntil: validUntil, keep: keep) {
        try API.GetQueueResponse(queue: QueueMessages.message(shown)).serializedBytes()
      })
  }
}

/// What a kept GetQueue reply was rendered under: the version of its organization's rows
/// (the queue, its pool and its clusters) and the health board's generation.
struct QueueStamp: Sendable, Equatable {
  var rows: UInt64
  var health: UInt64
}
