import ArgumentParser
import ClusterPoolClient

/// `flyte get cluster-pool [NAME] [--limit N] [--deleted] [-o table|json|yaml]`.
struct GetClusterPool: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: ClusterPoolNoun.name,
    abstract: "List cluster pools, or show one pool's config and member clusters.",
    aliases: ClusterPoolNoun.aliases)

  @Argument(help: "The pool to show; without it, every pool is listed.")
  var name: String?

  @Option(help: "List at most this many pools (default: all).")
  var limit: Int?

  @Flag(help: "Show deleted pools instead of live ones.")
  var deleted = false

  @OptionGroup var output: OutputOptions
  @OptionGroup var connection: ConnectionOptions

  func validate() throws {
    if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
  }

  func run() async throws {
    try await CommandRunner.run(connection) { client in
      switch (name, deleted) {
      case (let name?, false):
        let pool = try await ClusterPool.get(name, client: client)
        Terminal.write(try ClusterPoolFormatter.detail(pool, format: output.output, organization: client.organization))
      case (let name?, true):
        let pools = try await ClusterPool.listAll(deleted: true, nameContains: name, client: client).collect()
        guard let pool = pools.first(where: { $0.name == name }) else {
          throw ClientError(code: .notFound, message: "no deleted cluster pool \"\(name)\"")
        }
        Terminal.write(try ClusterPoolFormatter.detail(pool, format: output.output, organization: client.organization))
      case (nil, _):
        let pools = try await ClusterPool.listAll(limit: limit, pageSize: 100, deleted: deleted, client: client).collect()
        if pools.isEmpty && [.table, .tableSimple].contains(output.output) {
          Terminal.printError(deleted ? "No deleted cluster pools." : "No cluster pools.")
          return
        }
        Terminal.write(try ClusterPoolFormatter.list(pools, format: output.output, organization: client.organization))
      }
    }
  }
}
