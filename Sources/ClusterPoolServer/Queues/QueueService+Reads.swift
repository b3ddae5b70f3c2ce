internal import ClusterPoolDomain
internal import ClusterPoolProto
internal import RPCCore

extension QueueService {
  typealias API = Cloudidl.Queue

  /// GetQueue and ListQueues, served inline from memory.
  func registerReads(in registry: MethodRegistry) {
    registry.registerUnaryInline(
      Self.method("GetQueue"), deserializer: ProtoDeserializer<API.GetQueueRequest>(), serializer: EncodedMessageSerializer()
    ) { request, _ in
      let key = try key(request.id)
      guard let entry = entry(key) else {
        throw RPCError(
          code: .notFound,
          message: "queue \"\(key.name)\" does not exist in organization \"\(key.organization)\": list queues with flyte get queue")
      }
      let shown = shown(entry)
      // an unwritten organization's `default` queue is not kept: any organization name has one
      let keep = !key.name.isDefault || store.pool(PoolKey(organization: key.organization, name: .defaultName))?.revision != 0
      return EncodedMessage(
        bytes: try replies.reply(key, shown, keep: keep) { try API.GetQueueResponse(queue: QueueMessages.message(shown)).serializedBytes() })
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
