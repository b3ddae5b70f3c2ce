internal import ClusterPoolProto

/// What a queue is asked to be: its concurrency limits, resource and accelerator caps,
/// ordering, and where it routes.
public struct QueueSpec: Sendable, Hashable {
  /// The most runs of the queue executing at once; 0 for no limit.
  public var runConcurrency: UInt32
  /// The most actions of the queue executing at once; 0 for no limit.
  public var actionConcurrency: UInt32
  /// How many items may wait in the queue; 0 for no limit.
  public var depth: UInt32
  /// The queue's priority; `nil` for the server's default.
  public var priority: QueuePriority?
  /// The fairness algorithm; `nil` for the server's default.
  public var fairness: QueueFairness?
  /// What the queue does when the action at its head does not fit its caps; `nil` for the
  /// server's default.
  public var scheduling: QueueScheduling?
  /// The pool the queue routes into; empty means `default` on create. An update must name
  /// it (the server rejects an empty one, so that a forgotten field never moves a queue).
  public var clusterPoolName: String
  /// Clusters of that pool the queue is pinned to; empty routes to every active, healthy member.
  public var clusters: [String]
  /// Caps on the summed resources of the queue's running actions; a resource not named is
  /// not capped.
  public var maxResources: [QueueResourceCap]
  /// Caps on the devices of each accelerator the queue's running actions hold; an
  /// accelerator not named is not capped.
  public var maxAccelerators: [QueueAcceleratorCap]

  /// Creates a spec.
  public init(
    runConcurrency: UInt32, actionConcurrency: UInt32, depth: UInt32 = 0, priority: QueuePriority? = nil,
    fairness: QueueFairness? = nil, scheduling: QueueScheduling? = nil, clusterPoolName: String = "",
    clusters: [String] = [], maxResources: [QueueResourceCap] = [], maxAccelerators: [QueueAcceleratorCap] = []
  ) {
    self.runConcurrency = runConcurrency
    self.actionConcurrency = actionConcurrency
    self.depth = depth
    self.priority = priority
    self.fairness = fairness
    self.scheduling = scheduling
    self.clusterPoolName = clusterPoolName
    self.clusters = clusters
    self.maxResources = maxResources
    self.maxAccelerators = maxAccelerators
  }

  init(proto: Cloudidl.Queue.QueueSpec?) {
    self.init(
      runConcurrency: proto?.runConcurrency ?? 0, actionConcurrency: proto?.actionConcurrency ?? 0,
      depth: proto?.depth ?? 0, priority: proto.flatMap { QueuePriority(proto: $0.priority) },
      fairness: proto.flatMap { QueueFairness(proto: $0.fairness) },
      scheduling: proto.flatMap { QueueScheduling(proto: $0.scheduling) }, clusterPoolName: proto?.clusterPoolName ?? "",
      clusters: proto?.clusters ?? [], maxResources: QueueResourceCap.caps(proto: proto?.maxResources ?? []),
      maxAccelerators: QueueAcceleratorCap.caps(proto: proto?.maxAccelerators ?? []))
  }

  var proto: Cloudidl.Queue.QueueSpec {
    Cloudidl.Queue.QueueSpec(
      runConcurrency: runConcurrency, actionConcurrency: actionConcurrency, depth: depth,
      priority: priority?.proto ?? .unspecified, fairness: fairness?.proto ?? .unspecified, clusters: clusters,
      clusterPoolName: clusterPoolName, maxResources: maxResources.map(\.proto), scheduling: scheduling?.proto ?? .unspecified,
      maxAccelerators: maxAccelerators.map(\.proto))
  }
}
