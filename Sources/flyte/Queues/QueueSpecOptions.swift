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

  /// Whether any spec flag was given.
  var isEmpty: Bool {
    runConcurrency == nil && actionConcurrency == nil && clusterPool == nil && clusters.isEmpty && depth == nil
      && priority == nil && fairness == nil
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

extension LifecycleState: ExpressibleByArgument {
  public init?(argument: String) { self.init(rawValue: argument.uppercased()) }
  public static var allValueStrings: [String] { allCases.map { $0.rawValue.lowercased() } }
}
