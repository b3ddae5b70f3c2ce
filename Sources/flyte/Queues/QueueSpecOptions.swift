import ArgumentParser
import ClusterPoolClient

/// The spec flags of `create queue` and `update queue`; on update every flag is optional
/// and only the given ones change.
struct QueueSpecOptions: ParsableArguments {
  @Option(help: "The most runs of the queue executing at once.")
  var runConcurrency: UInt32?

  @Option(help: "The most actions of the queue executing at once.")
  var actionConcurrency: UInt32?

  @Option(help: "The pool the queue routes into (default: the default pool).")
  var clusterPool: String?

  @Option(
    name: .customLong("cluster"),
    help: "Pin the queue to this cluster of its pool (repeatable); on update, '*' unpins (every member).")
  var clusters: [String] = []

  @Option(help: "How many items may wait in the queue.")
  var depth: UInt32?

  @Option(help: "The queue's priority.")
  var priority: QueuePriority?

  @Option(help: "How the queue shares concurrency between projects.")
  var fairness: QueueFairness?

  @Option(help: "What the queue does when the action at its head does not fit its caps.")
  var scheduling: QueueScheduling?

  @Option(
    help: ArgumentHelp(
      "Cap the summed resources of the queue's running actions (repeatable): cpu=4,memory=16Gi.",
      discussion: "NAME is cpu, memory, storage or ephemeral_storage; QUANTITY a positive Kubernetes quantity "
        + "(4, 500m, 16Gi). A resource not named is not capped. On update the list replaces the caps; 'none' removes them.",
      valueName: "NAME=QUANTITY,..."))
  var maxResources: [String] = []

  @Option(
    help: ArgumentHelp(
      "Cap the devices of each accelerator the queue's running actions hold (repeatable): H100=8.",
      discussion: "SELECTOR is a device (nvidia-h100, or shorthand H100, A100 80G, V6E), DEVICE/PARTITION "
        + "(nvidia-a100/1g.5gb), or nvidia_gpu alone for GPUs requested without a device; COUNT is positive. "
        + "On update the list replaces the caps; 'none' removes them.",
      valueName: "SELECTOR=COUNT,..."))
  var maxAccelerators: [String] = []

  /// Whether any spec flag was given.
  var isEmpty: Bool {
    runConcurrency == nil && actionConcurrency == nil && clusterPool == nil && clusters.isEmpty && depth == nil
      && priority == nil && fairness == nil && scheduling == nil && maxResources.isEmpty && maxAccelerators.isEmpty
  }

  /// The resource caps the flags give; nil when none was given, [] for `none`.
  func resourceCaps() throws -> [QueueResourceCap]? {
    guard !maxResources.isEmpty else { return nil }
    if maxResources == ["none"] { return [] }
    do {
      return try QueueResourceCap.parseList(maxResources)
    } catch {
      throw ValidationError("--max-resources: \(error)")
    }
  }

  /// The accelerator caps the flags give; nil when none was given, [] for `none`.
  func acceleratorCaps() throws -> [QueueAcceleratorCap]? {
    guard !maxAccelerators.isEmpty else { return nil }
    if maxAccelerators == ["none"] { return [] }
    do {
      return try QueueAcceleratorCap.parseList(maxAccelerators)
    } catch {
      throw ValidationError("--max-accelerators: \(error)")
    }
  }
}

extension QueuePriority: ExpressibleByArgument {
  public init?(argument: String) { self.init(name: argument) }
  public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

extension QueueFairness: ExpressibleByArgument {
  public init?(argument: String) { self.init(name: argument) }
  public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

extension QueueScheduling: ExpressibleByArgument {
  public init?(argument: String) { self.init(name: argument) }
  public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

extension LifecycleState: ExpressibleByArgument {
  public init?(argument: String) { self.init(rawValue: argument.uppercased()) }
  public static var allValueStrings: [String] { allCases.map { $0.rawValue.lowercased() } }
}
