internal import ClusterPoolDomain
internal import ClusterPoolProto

typealias PoolMessage = Cloudidl.Clusterpool.ClusterPool

/// Conversions between the wire messages and domain values; validation problems are thrown
/// as ``DomainError``s with the field named.
enum ClusterPoolMessages {
  static func key(_ id: Cloudidl.Common.ClusterPoolIdentifier?, _ fallback: Organization) throws(DomainError) -> PoolKey {
    guard let id else { throw DomainError(.invalidArgument, "id is required: give the cluster pool's name") }
    return PoolKey(
      organization: try Organization.resolve(id.organization, fallback: fallback),
      name: try ResourceName(validating: id.name))
  }

  static func config(_ message: Cloudidl.Common.ClusterPoolConfig?) throws(DomainError) -> ClusterPoolConfig {
    guard let message else {
      throw DomainError(
        .invalidArgument, "config is required: give object_store_ref.uri and secret_store.type at least")
    }
    return try ClusterPoolConfig(
      objectStoreURI: message.objectStoreRef?.uri ?? "", objectStoreEndpoint: message.objectStoreRef?.endpoint ?? "",
      secretStoreType: message.secretStore?.type.rawValue ?? 0, secretStoreLocator: message.secretStore?.locator ?? "",
      imageRegistry: message.imageRegistry?.locator ?? "")
  }

  /// The membership a request carried, as names; an identifier of another organization
  /// keeps its organization so that it can never match.
  static func sentMembers(_ members: [Cloudidl.Common.ClusterIdentifier], _ org: Organization) -> [String] {
    members.map { $0.organization.isEmpty || $0.organization == org.name ? $0.name : "\($0.organization)/\($0.name)" }
  }

  static func message(_ pool: ClusterPool) -> PoolMessage {
    let org = pool.organization.name
    let config = pool.config
    return PoolMessage(
      id: .init(organization: org, name: pool.name.value),
      memberClusters: pool.memberClusters.map { .init(organization: org, name: $0.value) },
      config: .init(
        objectStoreRef: .init(uri: config.objectStoreURI, endpoint: config.objectStoreEndpoint),
        secretStore: .init(type: .init(rawValue: config.secretStoreType.rawValue), locator: config.secretStoreLocator),
        imageRegistry: .init(locator: config.imageRegistry)),
      deletedAt: pool.deletedAt.map { .init(seconds: $0.seconds, nanos: $0.nanos) },
      authorship: .init(createdBy: identity(pool.createdBy), updatedBy: identity(pool.updatedBy)))
  }

  static func identity(_ identity: Identity) -> Cloudidl.Common.EnrichedIdentity {
    switch identity {
    case .user(let subject):
      .init(principal: .user(.init(id: .init(subject: subject))))
    case .application(let subject):
      .init(principal: .application(.init(id: .init(subject: subject))))
    }
  }

  static func filters(_ filters: [Cloudidl.Common.Filter]) -> [ListFilter] {
    filters.map { ListFilter(functionNumber: $0.function.rawValue, field: $0.field, values: $0.values) }
  }
}
