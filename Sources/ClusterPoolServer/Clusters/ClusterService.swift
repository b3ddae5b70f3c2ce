public import ClusterPoolDomain
internal import ClusterPoolProto
public import ClusterPoolStore
public import RPCCore

/// `cloudidl.cluster.ClusterService`: registration and lifecycle of data-plane clusters.
/// Reads are served from the store's memory on the event loop; writes await the durable
/// commit.
public struct ClusterService: Sendable {
  public static let serviceName = "cloudidl.cluster.ClusterService"

  let store: any ClusterStore
  let configuration: ClusterPoolService.Configuration
  let health: ClusterHealthBoard
  let watchers = ClusterWatchHub()

  /// `configuration` is the pool service's: the same default organization and caller. A
  /// cluster with no Heartbeat or UpdateStatus for `heartbeatTimeout` reads UNHEALTHY.
  public init(
    store: any ClusterStore, configuration: ClusterPoolService.Configuration = .init(), heartbeatTimeout: Duration = .seconds(60)
  ) {
    self.store = store
    self.configuration = configuration
    self.health = ClusterHealthBoard(timeout: heartbeatTimeout)
  }

  static func method(_ name: String) -> MethodDescriptor { MethodDescriptor(service: serviceName, method: name) }

  /// Adds the served methods to `registry`.
  public func register(in registry: MethodRegistry) {
    registerReads(in: registry)
    registerListing(in: registry)
    registerReports(in: registry)
    registerWatch(in: registry)
    registerWrites(in: registry)
  }

  /// The cluster a request's `cluster_id` means.
  func key(_ id: Cloudidl.Common.ClusterIdentifier?) throws(RPCError) -> ClusterKey {
    try mappingDomainErrors { () throws(DomainError) in try ClusterMessages.key(id, configuration.defaultOrganization) }
  }

  /// The cluster of `key`: live, or deleted too when `includeDeleted`; `NOT_FOUND` otherwise.
  func found(_ key: ClusterKey, includeDeleted: Bool = false) throws(RPCError) -> Cluster {
    guard let cluster = store.cluster(key), includeDeleted || cluster.isLive else {
      let deleted = store.cluster(key) != nil
      throw DomainError(
        .notFound,
        deleted
          ? "cluster \"\(key.name)\" is deleted: undelete it (flyte undelete cluster \(key.name)) or register it again"
          : "cluster \"\(key.name)\" does not exist in organization \"\(key.organization)\": list clusters with flyte get cluster"
      ).rpcError
    }
    return cluster
  }

  /// The wire form of `cluster` with its health now.
  func render(_ cluster: Cluster) -> Cloudidl.Cluster.Cluster {
    ClusterMessages.message(cluster, cluster.isLive ? health.reading(cluster.key) : .unknown)
  }

  /// Ends every WatchClusters stream (at graceful shutdown, so the server can drain).
  public func endWatches() { watchers.finishAll() }
}
