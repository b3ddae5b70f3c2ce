import ArgumentParser
import ClusterPoolClient

/// `flyte undelete queue NAME`.
struct UndeleteQueue: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: QueueNoun.name, abstract: "Restore a deleted queue.", aliases: QueueNoun.aliases)

  @Argument(help: "The queue to restore.")
  var name: String

  @OptionGroup var connection: ConnectionOptions

  func run() async throws {
    try await CommandRunner.run(connection, queueScoped: true) { client in
      try await Queue.undelete(name, scope: connection.global.queueScope, client: client)
      Terminal.write("Restored queue \"\(name)\".\n")
    }
  }
}
