import ArgumentParser
import ClusterPoolClient

/// `flyte delete cluster NAME [--yes] [--expected-generation N]`.
struct DeleteCluster: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: ClusterNoun.name,
    abstract: "Delete a cluster and its implicit queue, freeing its name.",
    discussion: """
      Asks for confirmation on a terminal; --yes skips the question. Without a terminal, \
      --yes is required. To move a cluster to another pool: drain it, delete it, and register \
      it again with `flyte create cluster NAME --pool OTHER`.
      """,
    aliases: ClusterNoun.aliases)

  @Argument(help: "The cluster to delete.")
  var name: String

  @Flag(name: [.short, .long], help: "Delete without asking for confirmation.")
  var yes = false

  @Option(help: "Fail (ABORTED) unless the cluster's generation is still this one (default: no check).")
  var expectedGeneration: UInt64?

  @OptionGroup var connection: ConnectionOptions

  func run() async throws {
    try await CommandRunner.run(connection) { client in
      try DeleteConfirmation.require("cluster \"\(name)\"", yes: yes)
      let cluster = try await Cluster.delete(name, expectedGeneration: expectedGeneration, client: client)
      if let state = cluster?.state, state == .deleting {
        Terminal.write("Deleting cluster \"\(name)\" (DELETING until its data plane confirms).\n")
      } else {
        Terminal.write("Deleted cluster \"\(name)\".\n")
      }
    }
  }
}
