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

  @Argument(help: "The queue's name (shares one namespace with clusters; may be left to the manifest's name:).")
  var name: String?

  @Option(
    name: [.short, .long],
    help: "Manifest to create the queue from ('-' reads standard input), as `get queue NAME -o yaml` prints it.")
  var file: String?

  @OptionGroup var spec: QueueSpecOptions
  @OptionGroup var connection: ConnectionOptions

  /// The official CLI's `--depth` default (flyte 2.12.1).
  static let defaultDepth: UInt32 = 10000

  /// What a manifest's spec is applied to: the official defaults (keys a manifest leaves out
  /// keep them where `QueueManifest.applied(to:)` keeps a value).
  static let officialDefaults = QueueSpec(
    runConcurrency: 0, actionConcurrency: 0, depth: defaultDepth, priority: .medium, fairness: .roundRobin,
    scheduling: .strictFIFO)

  func validate() throws {
    if file != nil {
      guard spec.isEmpty else { throw ValidationError("give --file or spec flags, not both") }
      return
    }
    guard name != nil else { throw ValidationError("Missing expected argument '<name>'") }
    guard spec.runConcurrencyGiven != nil, spec.actionConcurrencyGiven != nil else {
      throw ValidationError("--run-concurrency and --action-concurrency are required")
    }
    _ = try spec.resourceCaps()
    _ = try spec.acceleratorCaps()
  }

  func run() async throws {
    try await CommandRunner.run(connection, queueScoped: true) { client in
      try spec.checkCounts()
      if let file {
        let manifest = try QueueManifest(yaml: try ManifestFile.read(file))
        let name = try manifest.resolvedName(commandLineName: name)
        let queue = try await Queue.create(
          name, spec: manifest.applied(to: Self.officialDefaults), scope: connection.global.queueScope, client: client)
        Terminal.write("Created queue \"\(name)\" in pool \"\(queue.pool)\".\n")
        return
      }
      let name = name ?? ""
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
