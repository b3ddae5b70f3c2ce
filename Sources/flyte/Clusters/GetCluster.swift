import ArgumentParser
import ClusterPoolClient
import Foundation

/// `flyte get cluster [NAME] [--deleted] [--limit N] [--pool P] [--watch] [-o table|json|yaml]`.
struct GetCluster: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: ClusterNoun.name,
    abstract: "List clusters, show one cluster's state, health and drift, or watch them change.",
    aliases: ClusterNoun.aliases)

  @Argument(help: "The cluster to show; without it, every cluster is listed.")
  var name: String?

  @Option(help: "List at most this many clusters (default: all).")
  var limit: Int?

  @Option(help: "Only clusters of this pool.")
  var pool: String?

  @Flag(help: "Show deleted clusters instead of live ones.")
  var deleted = false

  @Flag(help: "Keep showing the clusters as they change, until Ctrl-C.")
  var watch = false

  @OptionGroup var output: OutputOptions
  @OptionGroup var connection: ConnectionOptions

  func validate() throws {
    if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    if watch && (deleted || limit != nil) { throw ValidationError("--watch cannot be combined with --deleted or --limit") }
  }

  func run() async throws {
    try await CommandRunner.run(connection) { client in
      if watch {
        var view = ClusterWatchView(format: output.output, name: name, redraw: isatty(STDOUT_FILENO) != 0)
        for try await event in Cluster.watch(pool: pool, nameContains: name, client: client) {
          Terminal.write(try view.apply(event))
        }
        return
      }
      if let name {
        let cluster = try await Cluster.get(name, includeDeleted: deleted, client: client)
        if deleted && !cluster.isDeleted {
          throw ClientError(code: .notFound, message: "no deleted cluster \"\(name)\"")
        }
        Terminal.write(try ClusterFormatter.detail(cluster, format: output.output, organization: client.organization))
        return
      }
      let clusters = try await Cluster.listAll(limit: limit, pageSize: 100, pool: pool, deleted: deleted, client: client)
        .collect()
      if clusters.isEmpty && [.table, .tableSimple].contains(output.output) {
        Terminal.printError(deleted ? "No deleted clusters." : "No clusters.")
        return
      }
      Terminal.write(try ClusterFormatter.list(clusters, format: output.output, organization: client.organization))
    }
  }
}
