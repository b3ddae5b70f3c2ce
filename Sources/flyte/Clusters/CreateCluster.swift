import ArgumentParser
import ClusterPoolClient

/// `flyte create cluster NAME [--pool P]`, or `flyte create cluster [NAME] --file cluster.yaml`.
struct CreateCluster: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: ClusterNoun.name, abstract: "Register a cluster into a pool.",
    discussion: """
      The cluster joins --pool (else the default pool) and gets an implicit queue of the same \
      name routing to it. A cluster cannot move between pools in place: drain it, delete it \
      and register it again into the other pool.
      """,
    aliases: ClusterNoun.aliases)

  @Argument(help: "The cluster's name (may be left to the manifest's name:).")
  var name: String?

  @Option(help: "The pool to register the cluster into (default: the default pool).")
  var pool: String?

  @Option(
    name: [.short, .long],
    help: "Manifest of the cluster (name:, pool:) ('-' reads standard input), as `get cluster NAME -o yaml` prints it.")
  var file: String?

  @OptionGroup var connection: ConnectionOptions

  func validate() throws {
    if file != nil && pool != nil { throw ValidationError("give --pool or the manifest's pool:, not both") }
    if file == nil && name == nil { throw ValidationError("Missing expected argument '<name>'") }
  }

  func run() async throws {
    try await CommandRunner.run(connection) { client in
      var name = name ?? ""
      var pool = pool
      if let file {
        let manifest = try ClusterManifest(yaml: try ManifestFile.read(file))
        name = try manifest.resolvedName(commandLineName: self.name)
        pool = manifest.pool
      }
      try await Cluster.create(name, clusterPoolName: pool, client: client)
      Terminal.write("Created cluster \"\(name)\" in pool \"\(pool ?? "default")\".\n")
    }
  }
}
