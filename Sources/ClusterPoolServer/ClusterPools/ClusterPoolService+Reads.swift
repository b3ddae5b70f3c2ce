internal import ClusterPoolDomain
internal import ClusterPoolProto
internal import NIOCore
internal import RPCCore

extension ClusterPoolService {
  typealias GetRequest = Cloudidl.Clusterpool.GetRequest
  typealias ListRequest = Cloudidl.Clusterpool.ListRequest

  func registerReads(in registry: MethodRegistry) {
    registry.registerUnaryInline(
      Self.method("Get"), deserializer: ProtoDeserializer<GetRequest>(), serializer: EncodedMessageSerializer()
    ) { request, _ in
      try get(request)
    }
    registry.registerUnaryInline(
      Self.method("List"), deserializer: ProtoDeserializer<ListRequest>(), serializer: EncodedMessageSerializer()
    ) { request, _ in
      try list(request)
    }
  }

  /// Get: the live pool, as cached bytes.
  func get(_ request: GetRequest) throws(RPCError) -> EncodedMessage {
    let key = try key(request.id)
    let pool = try mappingDomainErrors { () throws(DomainError) in try ClusterPoolRules.get(store.pool(key), key) }
    return EncodedMessage(bytes: try cache.entry(for: pool).getResponse)
  }

  /// List: one page, assembled from each pool's cached bytes.
  func list(_ request: ListRequest) throws(RPCError) -> EncodedMessage {
    let resolved = try CallScope.resolve(request.organization, fallback: configuration.defaultOrganization)
    let page = try mappingDomainErrors { () throws(DomainError) -> ListPage in
      let org = resolved
      let list = request.request ?? .init()
      let sort = list.sortByFields.first ?? list.sortBy
      let query = try ListQuery(
        organization: org, limit: list.limit, token: list.token, filters: ClusterPoolMessages.filters(list.filters),
        rawFilters: list.rawFilters, sortKey: sort?.key ?? "", ascending: sort?.direction == .ascending)
      return store.list(org, query)
    }
    var entries: [ByteBuffer] = []
    entries.reserveCapacity(page.pools.count)
    var size = page.nextToken.utf8.count + 8
    for pool in page.pools {
      let bytes = try cache.entry(for: pool).pool
      size += bytes.readableBytes + 6
      entries.append(bytes)
    }
    var out = ByteBufferAllocator().buffer(capacity: size)
    for bytes in entries { EncodedPoolCache.writeField(1, bytes, into: &out) }
    if !page.nextToken.isEmpty {
      EncodedPoolCache.writeField(2, ByteBuffer(string: page.nextToken), into: &out)
    }
    return EncodedMessage(bytes: out)
  }
}
