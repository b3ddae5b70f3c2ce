public import ClusterPoolDomain
internal import ClusterPoolProto
public import ClusterPoolStore
public import Logging
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
  /// GetCluster's encoded replies, each kept with what it shows (``ShownCluster``).
  let replies = EncodedReplyCache<ClusterKey, ShownCluster>(kind: "cluster")
  let healthSaveInterval: Duration

  /// `configuration` is the pool service's: the same default organization and caller. A
  /// cluster with no Heartbeat or UpdateStatus for `heartbeatTimeout` reads UNHEALTHY. Health
  /// saved in `store` is loaded now; run ``healthKeeper(logger:)`` to announce timeouts to
  /// watchers and to save health every `healthSaveInterval` and at shutdown.
  public init(
    store: any ClusterStore, configuration: ClusterPoolService.Configuration = .init(), heartbeatTimeout: Duration = .seconds(60),
    healthSaveInterval: Duration = .seconds(5)
  ) {
    self.store = store
    self.configuration = configuration
    self.healthSaveInterval = healthSaveInterval
    let health = ClusterHealthBoard(timeout: heartbeatTimeout)
    health.load(store.savedHealth(), pool: { store.pool($0) }, clusterPool: { store.cluster($0)?.poolKey })
    self.health = health
    // A pool's config change re-checks its members' drift (and tells watchers).
    store.observePools { [watchers] pools in
      for key in health.redrift(pools) { watchers.publish(key) }
    }
    // Every cluster change a watcher could see, made here or on another replica (followed
    // from the change log), reaches the watchers from this one place.
    // A change of identity and access rows re-authorizes the organization's open watches.
    store.observeAccess { [watchers] organizations in watchers.publishAccess(organizations) }
    store.observeClusters { [watchers] changes in
      for change in changes where change.isVisible { watchers.publish(change.after.key) }
    }
  }

  /// The service that announces heartbeat timeouts to watchers and saves health on the
  /// interval and at graceful shutdown; run it in the server's `ServiceGroup` (before the
  /// server, so that it stops after the server has drained).
  public func healthKeeper(logger: Logger) -> ClusterHealthKeeper {
    ClusterHealthKeeper(board: health, store: store, watchers: watchers, saveInterval: healthSaveInterval, logger: logger)
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
    let fallback = CallScope.organization(configuration.defaultOrganization)
    let key = try mappingDomainErrors { () throws(DomainError) in try ClusterMessages.key(id, fallback) }
    try CallScope.check(key.organization, target: AuditTarget(kind: "cluster", name: key.name.value))
    return key
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

  /// What `cluster`'s reply shows now: the cluster, and its health when live.
  func shown(_ cluster: Cluster) -> ShownCluster {
    let (reading, reported) = cluster.isLive ? health.view(cluster.key) : (.unknown, nil)
    return ShownCluster(cluster: cluster, reading: reading, reported: reported)
  }

  /// The wire form of `cluster` with its health now.
  func render(_ cluster: Cluster) -> Cloudidl.Cluster.Cluster { ClusterMessages.message(shown(cluster)) }

  /// Ends every WatchClusters stream (at graceful shutdown, so the server can drain).
  public func endWatches() { watchers.finishAll() }
}
