internal import ClusterPoolDomain
internal import ClusterPoolProto
internal import RPCCore

extension QueueService {
  typealias API = Cloudidl.Queue

  /// GetQueue and ListQueues, served inline from memory.
  func registerReads(in registry: MethodRegistry) {
    registry.registerUnaryInline(
      Self.method("GetQueue"), deserializer: ProtoDeserializer<API.GetQueueRequest>(),
      serializer: ProtoSerializer<API.GetQueueResponse>()
    ) { request, _ in
      let key = try key(request.id)
      guard let entry = entry(key) else {
        throw RPCError(
          code: .notFound,
          message: "queue \"\(key.name)\" does not exist in organization \"\(key.organization)\": list queues with flyte get queue")
      }
      return API.GetQueueResponse(queue: render(entry))
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
      let entries = QueueEntry.merge(own: store.queues(in: org), clusters: store.clusters(in: org, includeDeleted: true))
      let page = query.page(entries, name: \.name.value) { entry in
        query.matches(name: entry.name.value, pool: entry.poolName.value, state: entry.stateName, live: entry.isLive)
      }
      return API.ListQueuesResponse(queues: page.items.map(render), token: page.nextToken)
    }
  }
}
