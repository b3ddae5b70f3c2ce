internal import ClusterPoolDomain
internal import ClusterPoolProto
internal import RPCCore

extension ClusterService {
  /// ListClusters and Count, served inline from the store's memory.
  func registerListing(in registry: MethodRegistry) {
    registry.registerUnaryInline(
      Self.method("ListClusters"), deserializer: ProtoDeserializer<API.ListRequest>(),
      serializer: ProtoSerializer<API.ListResponse>()
    ) { request, _ in
      let list = request.request ?? .init()
      let (org, query) = try query(request.organization, list.limit, list.token, list.filters, list.rawFilters)
      let page = store.clusterPage(org, query)
      return API.ListResponse(clusters: page.clusters.map(render), token: page.nextToken)
    }
    registry.registerUnaryInline(
      Self.method("Count"), deserializer: ProtoDeserializer<API.CountRequest>(), serializer: ProtoSerializer<API.CountResponse>()
    ) { request, _ in
      let (org, query) = try query(request.organization, 0, "", request.filters, request.rawFilters)
      return API.CountResponse(count: Int64(query.count(store.clusters(in: org, includeDeleted: query.base.deleted))))
    }
  }

  func query(
    _ organization: String, _ limit: UInt32, _ token: String, _ filters: [Cloudidl.Common.Filter], _ rawFilters: [String]
  ) throws(RPCError) -> (Organization, ClusterListQuery) {
    let resolved = try CallScope.resolve(organization, fallback: configuration.defaultOrganization)
    return try mappingDomainErrors { () throws(DomainError) in
      let org = resolved
      return (
        org,
        try ClusterListQuery(
          organization: org, limit: limit, token: token, filters: ClusterPoolMessages.filters(filters), rawFilters: rawFilters)
      )
    }
  }
}
