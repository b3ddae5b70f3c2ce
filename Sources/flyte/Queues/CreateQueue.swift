import ArgumentParser
import ClusterPoolClient

/// `flyte create queue NAME --run-concurrency N --action-concurrency N [--cluster-pool P]
/// [--cluster C ...] [--depth N] [--priority min|medium|max] [--fairness round_robin|shuffle_interleave]
/// [--scheduling strict_fifo|greedy_capacity] [--max-resources cpu=4,memory=16Gi] [--max-accelerators H100=8]`.
struct CreateQueue: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: QueueNoun.name, abstract: "Create a queue routing work to the clusters of a pool.",
    discussion: """
      Without --cluster, the queue routes to every ACTIVE, healthy member of its pool; with \
      it, only to the named clusters, which must be live members of that pool. The defaults \
      are the official CLI's, so the same command makes the same queue with either: \
      --depth \(Self.defaultDepth) (0: no limit), --priority medium, --fairness round_robin, \
      --scheduling strict_fifo, no caps. --project and --domain are sent in the queue's id, \
      where this server refuses them (queues belong to the organization), as the official \
      server does today.
      """,
    aliases: QueueNoun.aliases)

  @Argument(help: "The queue's name (shares one namespace with clusters).")
  var name: String

  @OptionGroup var spec: QueueSpecOptions
  @OptionGroup var connection: ConnectionOptions

  /// The official CLI's `--depth` default (flyte 2.12.1).
  static let defaultDepth: UInt32 = 10000

  func validate() throws {
    guard spec.runConcurrency != nil, spec.actionConcurrency != nil else {
      throw ValidationError("--run-concurrency and --action-concurrency are required")
    }
    _ = try spec.resourceCaps()
    _ = try spec.acceleratorCaps()
  }

  func run() async throws {
    try await CommandRunner.run(connection, queueScoped: true) { client in
      let queue = try await Queue.create(
        name, runConcurrency: spec.runConcurrency ?? 0, actionConcurrency: spec.actionConcurrency ?? 0,
        clusterPoolName: spec.clusterPool, clusters: spec.clusters, depth: spec.depth ?? Self.defaultDepth,
        priority: spec.priority ?? .medium, fairness: spec.fairness ?? .roundRobin, scheduling: spec.scheduling ?? .strictFIFO,
        maxResources: try spec.resourceCaps() ?? [], maxAccelerators: try spec.acceleratorCaps() ?? [],
        scope: connection.global.queueScope, client: client)
      Terminal.write("Created queue \"\(name)\" in pool \"\(queue.pool)\".\n")
    }
  }
}
