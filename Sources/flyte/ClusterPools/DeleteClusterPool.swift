import ArgumentParser
import ClusterPoolClient

/// `flyte delete cluster-pool NAME [--yes]`.
struct DeleteClusterPool: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: ClusterPoolNoun.name,
    abstract: "Delete a cluster pool (soft: `flyte undelete cluster-pool` restores it).",
    discussion: """
      Asks for confirmation on a terminal; --yes skips the question. Without a terminal, \
      --yes is required. The default pool, and pools with live clusters or queues, cannot be \
      deleted.
      """,
    aliases: ClusterPoolNoun.aliases)

  @Argument(help: "The pool to delete.")
  var name: String

  @Flag(name: [.short, .long], help: "Delete without asking for confirmation.")
  var yes = false

  @OptionGroup var connection: ConnectionOptions

  func run() async throws {
    try await CommandRunner.run(connection) { client in
      if !yes {
        guard Terminal.isInteractive else {
          throw CLIError(
            "refusing to delete cluster pool \"\(name)\" without confirmation: standard input is not a terminal; pass --yes to delete it")
        }
        guard Terminal.confirm("Delete cluster pool \"\(name)\"?") else {
          Terminal.printError("Aborted: cluster pool \"\(name)\" was not deleted.")
          throw ExitCode.failure
        }
      }
      try await ClusterPool.delete(name, client: client)
      Terminal.write("Deleted cluster pool \"\(name)\".\n")
    }
  }
}
