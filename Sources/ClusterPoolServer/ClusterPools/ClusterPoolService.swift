public import ClusterPoolDomain
internal import ClusterPoolProto
public import ClusterPoolStore
public import RPCCore

/// `cloudidl.clusterpool.ClusterPoolService`: Get and List served from the store's memory on
/// the event loop (no task hop, cached encodings), the writes in tasks awaiting the durable
/// commit.
public struct ClusterPoolService: Sendable {
  /// The generated descriptor's name itself (one string for the routes and the metrics
  /// table: a call's method is found there by comparing the strings, and the same string
  /// compares equal at once, where an equal copy is compared byte by byte).
  public static let serviceName = Cloudidl.Clusterpool.ClusterPoolService.service.fullName

  let store: any ClusterPoolStore
  let configuration: Configuration
  let cache = EncodedPoolCache()

  public init(store: any ClusterPoolStore, configuration: Configuration = .init()) {
    self.store = store
    self.configuration = configuration
  }

  static func method(_ name: String) -> MethodDescriptor { MethodDescriptor(service: serviceName, method: name) }

  /// Adds the six methods to `registry`.
  public func register(in registry: MethodRegistry) {
    registerReads(in: registry)
    registerWrites(in: registry)
  }

  /// The organization and name a request's `id` means.
  /// The caller is read once (each read copies the call's whole context out of its task-local).
  func key(_ id: Cloudidl.Common.ClusterPoolIdentifier?) throws(RPCError) -> PoolKey {
    let caller = CallScope.caller
    let fallback = CallScope.organization(configuration.defaultOrganization, caller: caller)
    let key = try mappingDomainErrors { () throws(DomainError) in try ClusterPoolMessages.key(id, fallback) }
    try CallScope.check(key.organization, caller: caller, target: AuditTarget(kind: "pool", name: key.name.value))
    return key
  }
}
