import ArgumentParser
import ClusterPoolClient

/// The spec flags of `create queue` and `update queue`; on update every flag is optional
/// and only the given ones change.
struct QueueSpecOptions: ParsableArguments {
  @Option(name: .customLong("run-concurrency"), parsing: .unconditional, help: "The most runs of the queue executing at once.")
  var runConcurrencyGiven: Int64?
  /// `--run-concurrency`; nil when not given or out of range (``checkCounts()`` refuses that).
  var runConcurrency: UInt32? { runConcurrencyGiven.flatMap { UInt32(exactly: $0) } }

  @Option(name: .customLong("action-concurrency"), parsing: .unconditional, help: "The most actions of the queue executing at once.")
  var actionConcurrencyGiven: Int64?
  /// `--action-concurrency`; nil when not given or out of range (``checkCounts()`` refuses that).
  var actionConcurrency: UInt32? { actionConcurrencyGiven.flatMap { UInt32(exactly: $0) } }

  @Option(help: "The pool the queue routes into (default: the default pool).")
  var clusterPool: String?

  @Option(
    name: .customLong("cluster"),
    help: "Pin the queue to this cluster of its pool (repeatable); on update, '*' unpins (every member).")
  var clusters: [String] = []

  @Option(name: .customLong("depth"), parsing: .unconditional, help: "How many items may wait in the queue.")
  var depthGiven: Int64?
  /// `--depth`; nil when not given or out of range (``checkCounts()`` refuses that).
  var depth: UInt32? { depthGiven.flatMap { UInt32(exactly: $0) } }

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

  /// Refuses a count out of the wire's range (uint32) as the official CLI does: an error of the
  /// command (exit 1), not a usage error, so `-1` reads as a value rather than an option.
  func checkCounts() throws {
    for (flag, value) in [("--run-concurrency", runConcurrencyGiven), ("--action-concurrency", actionConcurrencyGiven),
                          ("--depth", depthGiven)] {
      if let value, UInt32(exactly: value) == nil {
        throw CLIError("\(flag) must be between 0 and \(UInt32.max), not \(value)")
      }
    }
  }

  /// Whether any spec flag was given.
  var isEmpty: Bool {
    runConcurrencyGiven == nil && actionConcurrencyGiven == nil && clusterPool == nil && clusters.isEmpty && depthGiven == nil
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
