import ArgumentParser
import ClusterPoolClient

/// `flyte create cluster NAME [--pool P]`.
struct CreateCluster: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: ClusterNoun.name, abstract: "Register a cluster into a pool.",
    discussion: """
      The cluster joins --pool (else the default pool) and gets an implicit queue of the same \
      name routing to it. A cluster cannot move between pools in place: drain it, delete it \
      and register it again into the other pool.
      """,
    aliases: ClusterNoun.aliases)

  @Argument(help: "The cluster's name.")
  var name: String

  @Option(help: "The pool to register the cluster into (default: the default pool).")
  var pool: String?

  @OptionGroup var connection: ConnectionOptions

  func run() async throws {
    try await CommandRunner.run(connection) { client in
      try await Cluster.create(name, clusterPoolName: pool, client: client)
      Terminal.write("Created cluster \"\(name)\" in pool \"\(pool ?? "default")\".\n")
    }
  }
}
