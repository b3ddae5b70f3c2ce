import ArgumentParser
import ClusterPoolClient

/// `flyte get queue [NAME] [--deleted] [--pool P] [--state S] [--limit N] [-o table|json|yaml]`.
struct GetQueue: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: QueueNoun.name, abstract: "List queues, or show one queue's spec, state and routing.",
    discussion: """
      With NAME, --project and --domain are sent in the queue's id (this server refuses them: \
      queues belong to the organization); a listing is always the organization's (ListQueues \
      has no scope), as with the official CLI. The official --watch (live metrics) is not \
      served: this server tracks no running work.
      """,
    aliases: QueueNoun.aliases)

  @Argument(help: "The queue to show; without it, every queue is listed.")
  var name: String?

  @Option(help: "List at most this many queues (default: all).")
  var limit: Int?

  @Flag(help: "Show deleted queues instead of live ones.")
  var deleted = false

  @Option(help: "Only queues routing into this pool.")
  var pool: String?

  @Option(help: "Only queues in this state (active, draining, drained, deleting, deleted).")
  var state: LifecycleState?

  @OptionGroup var output: OutputOptions
  @OptionGroup var connection: ConnectionOptions

  func validate() throws {
    if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    if name != nil && (pool != nil || state != nil) {
      throw ValidationError("--pool and --state filter the listing and cannot be combined with a queue NAME")
    }
  }

  func run() async throws {
    try await CommandRunner.run(connection, queueScoped: true) { client in
      switch (name, deleted) {
      case (let name?, false):
        let queue = try await Queue.get(name, scope: connection.global.queueScope, client: client)
        Terminal.write(try QueueFormatter.detail(queue, format: output.output, organization: client.organization))
      case (let name?, true):
        let queues = try await Queue.listAll(deleted: true, nameContains: name, client: client).collect()
        guard let queue = queues.first(where: { $0.name == name }) else {
          throw ClientError(code: .notFound, message: "no deleted queue \"\(name)\"")
        }
        Terminal.write(try QueueFormatter.detail(queue, format: output.output, organization: client.organization))
      case (nil, _):
        let queues = try await Queue.listAll(
          limit: limit, pageSize: 100, pool: pool, state: state, deleted: deleted, client: client
        ).collect()
        if queues.isEmpty && [.table, .tableSimple].contains(output.output) {
          Terminal.printError(deleted ? "No deleted queues." : "No queues.")
          return
        }
        Terminal.write(try QueueFormatter.list(queues, format: output.output, organization: client.organization))
      }
    }
  }
}
