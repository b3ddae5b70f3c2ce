import ArgumentParser
import ClusterPoolClient

/// `flyte undelete cluster NAME`.
struct UndeleteCluster: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: ClusterNoun.name, abstract: "Restore a deleted cluster.", aliases: ClusterNoun.aliases)

  @Argument(help: "The cluster to restore.")
  var name: String

  @OptionGroup var connection: ConnectionOptions

  func run() async throws {
    try await CommandRunner.run(connection) { client in
      try await Cluster.undelete(name, client: client)
      Terminal.write("Restored cluster \"\(name)\".\n")
    }
  }
}
