import ArgumentParser
import ClusterPoolClient

/// `flyte update cluster NAME --drain | --activate [--expected-generation N]`.
struct UpdateCluster: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: ClusterNoun.name, abstract: "Drain a cluster, or put it back into routing.",
    discussion: """
      --drain stops routing new work to the cluster (DRAINING, then DRAINED once its data \
      plane reports no work left); --activate makes a draining or drained cluster ACTIVE again. \
      A cluster cannot move between pools: drain it, delete it and register it again.
      """,
    aliases: ClusterNoun.aliases)

  @Argument(help: "The cluster to change.")
  var name: String

  @Flag(help: "Drain the cluster.")
  var drain = false

  @Flag(help: "Make the cluster ACTIVE again.")
  var activate = false

  @Option(help: "Fail (ABORTED) unless the cluster's generation is still this one (default: no check).")
  var expectedGeneration: UInt64?

  @OptionGroup var connection: ConnectionOptions

  func validate() throws {
    guard drain != activate else { throw ValidationError("give exactly one of --drain or --activate") }
  }

  func run() async throws {
    try await CommandRunner.run(connection) { client in
      let cluster = try await Cluster.updateState(
        name, to: drain ? .draining : .active, expectedGeneration: expectedGeneration, client: client)
      let state = cluster.state?.rawValue ?? "unknown"
      Terminal.write("\(drain ? "Draining" : "Activated") cluster \"\(name)\" (state \(state), generation \(cluster.generation)).\n")
    }
  }
}
