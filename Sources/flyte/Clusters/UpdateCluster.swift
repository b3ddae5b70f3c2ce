import ArgumentParser
import ClusterPoolClient

/// `flyte update cluster NAME --drain | --activate | --pool P [--expected-generation N]`.
struct UpdateCluster: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: ClusterNoun.name, abstract: "Drain a cluster, or put it back into routing.",
    discussion: """
      --drain stops routing new work to the cluster (DRAINING, then DRAINED once its data \
      plane reports no work left); --activate makes a draining or drained cluster ACTIVE again. \
      --pool asks the server to move the cluster (UpdateCluster, as the official CLI does) and \
      shows its answer: this server never moves a cluster in place (FAILED_PRECONDITION); \
      drain it, delete it and register it again with `flyte create cluster NAME --pool P`.
      """,
    aliases: ClusterNoun.aliases)

  @Argument(help: "The cluster to change.")
  var name: String

  @Flag(help: "Drain the cluster.")
  var drain = false

  @Flag(help: "Make the cluster ACTIVE again.")
  var activate = false

  @Option(help: "Ask the server to move the cluster into this pool (this server refuses a move, see above).")
  var pool: String?

  @Flag(
    name: [.short, .long],
    help: "Accepted for the official CLI's scripts (it skips the question before a move); no question is asked here.")
  var yes = false

  @Option(help: "Fail (ABORTED) unless the cluster's generation is still this one (default: no check).")
  var expectedGeneration: UInt64?

  @OptionGroup var connection: ConnectionOptions

  func validate() throws {
    if pool != nil && expectedGeneration != nil {
      throw ValidationError("--expected-generation guards --drain and --activate, not --pool")
    }
  }

  func run() async throws {
    try await CommandRunner.run(connection) { client in
      // Not a usage error (exit 2): the official CLI exits 1 here too.
      let chosen = [pool != nil, drain, activate].filter { $0 }.count
      guard chosen == 1 else { throw CLIError("give exactly one of --pool, --drain or --activate") }
      if let pool {
        try await Cluster.update(name, clusterPoolName: pool, client: client)
        Terminal.write("Cluster \"\(name)\" is in pool \"\(pool)\".\n")
        return
      }
      let cluster = try await Cluster.updateState(
        name, to: drain ? .draining : .active, expectedGeneration: expectedGeneration, client: client)
      let state = cluster.state?.rawValue ?? "unknown"
      Terminal.write("\(drain ? "Draining" : "Activated") cluster \"\(name)\" (state \(state), generation \(cluster.generation)).\n")
    }
  }
}
