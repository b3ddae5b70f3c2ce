import ArgumentParser
import ClusterPoolClient

/// `flyte undelete cluster-pool NAME`.
struct UndeleteClusterPool: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: ClusterPoolNoun.name, abstract: "Restore a deleted cluster pool with its config.",
    aliases: ClusterPoolNoun.aliases)

  @Argument(help: "The pool to restore.")
  var name: String

  @OptionGroup var connection: ConnectionOptions

  func run() async throws {
    try await CommandRunner.run(connection) { client in
      try await ClusterPool.undelete(name, client: client)
      Terminal.write("Restored cluster pool \"\(name)\".\n")
    }
  }
}
