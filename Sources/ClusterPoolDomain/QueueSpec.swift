/// What a queue is asked to be: limits (0 means no limit), resource and accelerator caps,
/// ordering, the pool it routes into and the clusters of that pool it is pinned to (none:
/// every member). Enumerations keep the wire's numbers; only defined ones are accepted.
public struct QueueSpec: Sendable, Hashable {
  /// Most runs at once; 0: no limit.
  public var runConcurrency: UInt32
  /// Most actions at once; 0: no limit.
  public var actionConcurrency: UInt32
  /// Most items waiting; 0: no limit.
  public var depth: UInt32
  /// `Priority` number: 0 (unspecified), 1 (min), 50 (medium), 100 (max).
  public var priority: Int32
  /// `FairnessAlgorithm` number: 0, 1 (round robin), 2 (shuffle interleave).
  public var fairness: Int32
  /// `SchedulingAlgorithm` number: 0, 1 (strict FIFO), 2 (greedy capacity).
  public var scheduling: Int32
  /// The pool it routes into.
  public var poolName: ResourceName
  /// Pinned clusters, sorted; empty routes to every ACTIVE, healthy member of the pool.
  public var clusters: [ResourceName]
  /// Caps on the summed resources of running actions, as sent (see ``QueueCapRules``); a
  /// resource not named is not capped.
  public var maxResources: [ResourceCap]
  /// Caps on the devices of each accelerator, as sent; an accelerator not named is not capped.
  public var maxAccelerators: [AcceleratorCap]

  public static let priorities: [Int32] = [0, 1, 50, 100]
  public static let fairnessAlgorithms: [Int32] = [0, 1, 2]
  public static let schedulingAlgorithms: [Int32] = [0, 1, 2]
  /// Most pins one queue may carry.
  public static let maxPins = 256

  public init(
    runConcurrency: UInt32 = 0, actionConcurrency: UInt32 = 0, depth: UInt32 = 0, priority: Int32 = 0, fairness: Int32 = 0,
    scheduling: Int32 = 0, poolName: ResourceName, clusters: [ResourceName] = [], maxResources: [ResourceCap] = [],
    maxAccelerators: [AcceleratorCap] = []
  ) {
    self.runConcurrency = runConcurrency
    self.actionConcurrency = actionConcurrency
    self.depth = depth
    self.priority = priority
    self.fairness = fairness
    self.scheduling = scheduling
    self.poolName = poolName
    self.clusters = clusters
    self.maxResources = maxResources
    self.maxAccelerators = maxAccelerators
  }

  /// Validates a spec as a request sent it: defined enumeration numbers, a valid pool name,
  /// pins that are cluster names, none twice (`["*"]`, the official client's "every member",
  /// is the same as none), caps as ``QueueCapRules`` checks them. `INVALID_ARGUMENT`
  /// otherwise, naming the field.
  public init(
    validating runConcurrency: UInt32, actionConcurrency: UInt32, depth: UInt32, priority: Int32, fairness: Int32,
    scheduling: Int32, poolName: ResourceName, clusters: [String], maxResources: [QueueCapRules.ResourceEntry] = [],
    maxAccelerators: [QueueCapRules.AcceleratorEntry] = []
  ) throws(DomainError) {
    guard Self.priorities.contains(priority) else {
      throw .invalid("spec.priority \(priority) is not defined: use PRIORITY_MIN (1), PRIORITY_MEDIUM (50) or PRIORITY_MAX (100)")
    }
    guard Self.fairnessAlgorithms.contains(fairness) else {
      throw .invalid(
        "spec.fairness \(fairness) is not defined: use FAIRNESS_ALGORITHM_ROUND_ROBIN (1) or FAIRNESS_ALGORITHM_SHUFFLE_INTERLEAVE (2)")
    }
    guard Self.schedulingAlgorithms.contains(scheduling) else {
      throw .invalid(
        "spec.scheduling \(scheduling) is not defined: use SCHEDULING_ALGORITHM_STRICT_FIFO (1) or SCHEDULING_ALGORITHM_GREEDY_CAPACITY (2)")
    }
    var pins: [ResourceName] = []
    if clusters != ["*"] {
      guard clusters.count <= Self.maxPins else {
        throw .invalid("spec.clusters names \(clusters.count) clusters: at most \(Self.maxPins) may be pinned")
      }
      for text in clusters {
        guard text != "*" else {
          throw .invalid("spec.clusters: \"*\" (every member of the pool) cannot be mixed with cluster names")
        }
        let name = try ResourceName(validating: text, kind: "pinned cluster")
        guard !pins.contains(name) else { throw .invalid("spec.clusters names cluster \"\(name)\" twice") }
        pins.append(name)
      }
    }
    self.init(
      runConcurrency: runConcurrency, actionConcurrency: actionConcurrency, depth: depth, priority: priority,
      fairness: fairness, scheduling: scheduling, poolName: poolName, clusters: pins.sorted(),
      maxResources: try QueueCapRules.resources(maxResources), maxAccelerators: try QueueCapRules.accelerators(maxAccelerators))
  }
}
