internal import ClusterPoolProto

/// What a queue is asked to be: its concurrency limits, ordering, and where it routes.
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
  /// The pool the queue routes into; empty means `default` on create. An update must name
  /// it (the server rejects an empty one, so that a forgotten field never moves a queue).
  public var clusterPoolName: String
  /// Clusters of that pool the queue is pinned to; empty routes to every active, healthy member.
  public var clusters: [String]

  /// Creates a spec.
  public init(
    runConcurrency: UInt32, actionConcurrency: UInt32, depth: UInt32 = 0, priority: QueuePriority? = nil,
    fairness: QueueFairness? = nil, clusterPoolName: String = "", clusters: [String] = []
  ) {
    self.runConcurrency = runConcurrency
    self.actionConcurrency = actionConcurrency
    self.depth = depth
    self.priority = priority
    self.fairness = fairness
    self.clusterPoolName = clusterPoolName
    self.clusters = clusters
  }

  init(proto: Cloudidl.Queue.QueueSpec?) {
    self.init(
      runConcurrency: proto?.runConcurrency ?? 0, actionConcurrency: proto?.actionConcurrency ?? 0,
      depth: proto?.depth ?? 0, priority: proto.flatMap { QueuePriority(proto: $0.priority) },
      fairness: proto.flatMap { QueueFairness(proto: $0.fairness) }, clusterPoolName: proto?.clusterPoolName ?? "",
      clusters: proto?.clusters ?? [])
    scheduling = proto?.scheduling ?? .unspecified
  }

  /// The scheduling algorithm the server sent, sent back unchanged by updates.
  var scheduling: Cloudidl.Queue.SchedulingAlgorithm = .unspecified

  var proto: Cloudidl.Queue.QueueSpec {
    Cloudidl.Queue.QueueSpec(
      runConcurrency: runConcurrency, actionConcurrency: actionConcurrency, depth: depth,
      priority: priority?.proto ?? .unspecified, fairness: fairness?.proto ?? .unspecified, clusters: clusters,
      clusterPoolName: clusterPoolName, scheduling: scheduling)
  }
}
