import ArgumentParser
import ClusterPoolClient

/// `flyte delete queue NAME [--yes] [--expected-state-generation N]`.
struct DeleteQueue: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: QueueNoun.name, abstract: "Delete a drained queue.",
    discussion: """
      Drain it first (`flyte update queue NAME --drain`). Asks for confirmation on a \
      terminal; --yes skips the question. Without a terminal, --yes is required. A cluster's \
      implicit queue goes with its cluster and cannot be deleted on its own.
      """,
    aliases: QueueNoun.aliases)

  @Argument(help: "The queue to delete.")
  var name: String

  @Flag(name: [.short, .long], help: "Delete without asking for confirmation.")
  var yes = false

  @Option(help: "Fail (ABORTED) unless the queue's state generation is still this one (default: no check).")
  var expectedStateGeneration: UInt64?

  @OptionGroup var connection: ConnectionOptions

  func run() async throws {
    try await CommandRunner.run(connection, queueScoped: true) { client in
      try DeleteConfirmation.require("queue \"\(name)\"", yes: yes)
      try await Queue.delete(
        name, expectedStateGeneration: expectedStateGeneration, scope: connection.global.queueScope, client: client)
      Terminal.write("Deleted queue \"\(name)\".\n")
    }
  }
}
