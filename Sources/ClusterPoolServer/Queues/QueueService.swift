public import ClusterPoolDomain
internal import ClusterPoolProto
public import ClusterPoolStore
public import RPCCore

/// `cloudidl.queue.QueueService`: queues of their own (created, updated, drained, deleted
/// here), each organization's `default` queue, and the clusters' implicit queues (read-only
/// here: they follow their clusters). Reads are served from the store's memory on the event
/// loop, with `available_clusters` read from the cluster side's state and health at that
/// moment; writes await the durable commit.
public struct QueueService: Sendable {
  public static let serviceName = "cloudidl.queue.QueueService"

  let store: any QueueStore
  let configuration: ClusterPoolService.Configuration
  let routing: QueueRouting
  /// GetQueue's encoded replies, each kept with the stamp it was rendered under.
  let replies = EncodedReplyCache<QueueKey, QueueStamp>(kind: "queue")

  /// `clusters` is the ClusterService over the same store: queues route by its clusters'
  /// state and health. `configuration` is the pool service's (default organization, caller).
  public init(store: any QueueStore, clusters: ClusterService, configuration: ClusterPoolService.Configuration = .init()) {
    self.store = store
    self.configuration = configuration
    self.routing = QueueRouting(store: store, health: clusters.health)
  }

  static func method(_ name: String) -> MethodDescriptor { MethodDescriptor(service: serviceName, method: name) }

  /// Adds the seven served methods to `registry`, and WatchQueueMetrics and ResolveQueue,
  /// which answer UNIMPLEMENTED.
  public func register(in registry: MethodRegistry) {
    registerReads(in: registry)
    registerWrites(in: registry)
    registerUnimplemented(in: registry)
  }

  /// The queue a request's `id` means.
  func key(_ id: Cloudidl.Common.QueueIdentifier?) throws(RPCError) -> QueueKey {
    let fallback = CallScope.organization(configuration.defaultOrganization)
    let key = try mappingDomainErrors { () throws(DomainError) in try QueueMessages.key(id, fallback) }
    try CallScope.check(key.organization, target: AuditTarget(kind: "queue", name: key.name.value))
    return key
  }

  /// The queue of `key`, live or deleted; nil when there is none.
  func entry(_ key: QueueKey) -> QueueEntry? {
    QueueEntry.resolve(own: store.queue(key), cluster: store.cluster(key.clusterKey))
  }

  /// What `entry`'s reply shows now: the queue and where it routes.
  func shown(_ entry: QueueEntry) -> ShownQueue { ShownQueue(entry: entry, available: routing.availableClusters(entry).clusters) }

  /// The wire form of `entry`, routing as of now.
  func render(_ entry: QueueEntry) -> QueueMessage { QueueMessages.message(shown(entry)) }
}
