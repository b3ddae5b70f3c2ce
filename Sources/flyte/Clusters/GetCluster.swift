import ArgumentParser
import ClusterPoolClient
import Foundation

/// `flyte get cluster [NAME] [--deleted] [--limit N] [--pool P] [--watch] [-o table|json|yaml]`.
struct GetCluster: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: ClusterNoun.name,
    abstract: "List clusters, show one cluster's state, health and drift, or watch them change.",
    discussion: """
      --watch shows the clusters, then each change, until Ctrl-C. It does not reconnect: when \
      the server ends the watch (e.g. at its shutdown), ends it with an error, or the \
      connection is lost, it says which and exits 1; run it again to resume.
      """,
    aliases: ClusterNoun.aliases)

  @Argument(help: "The cluster to show; without it, every cluster is listed.")
  var name: String?

  @Option(help: "List at most this many clusters (default: all).")
  var limit: Int?

  @Option(help: "Only clusters of this pool.")
  var pool: String?

  @Flag(help: "Show deleted clusters instead of live ones.")
  var deleted = false

  @Flag(help: "Keep showing the clusters as they change, until Ctrl-C (exits 1 when the server ends the watch).")
  var watch = false

  @OptionGroup var output: OutputOptions
  @OptionGroup var connection: ConnectionOptions

  func validate() throws {
    if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    if watch && (deleted || limit != nil) { throw ValidationError("--watch cannot be combined with --deleted or --limit") }
  }

  func run() async throws {
    try await CommandRunner.run(connection) { client in
      if watch { return try await watchClusters(client) }
      if let name {
        // A deleted cluster stays inspectable by name (with its deletion time), as with the
        // official CLI, which always asks with include_deleted.
        let cluster = try await Cluster.get(name, includeDeleted: true, client: client)
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

  /// The --watch view until the stream ends, which is always a failure: the server ended it
  /// (cleanly or with an error) or the connection was lost.
  private func watchClusters(_ client: ControlPlaneClient) async throws {
    var view = ClusterWatchView(format: output.output, name: name, redraw: isatty(STDOUT_FILENO) != 0)
    var started = false
    do {
      for try await event in Cluster.watch(pool: pool, nameContains: name, client: client) {
        started = true
        Terminal.write(try view.apply(event))
      }
    } catch let error as ClientError where started {
      throw CLIError(
        error.isConnectionFailure
          ? "\(error); the watch ended: run the command again to resume"
          : "the server ended the watch with an error: \(error); run the command again to resume")
    }
    throw CLIError(
      "the server at \(client.settings.target) ended the watch (it may be shutting down); the view shows the "
        + "clusters as they were; run the command again to resume")
  }
}
