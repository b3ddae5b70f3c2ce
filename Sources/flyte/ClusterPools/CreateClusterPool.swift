import ArgumentParser
import ClusterPoolClient
import Foundation

/// `flyte create cluster-pool NAME --file prod-pool.yaml | --edit`.
struct CreateClusterPool: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: ClusterPoolNoun.name, abstract: "Create a cluster pool from a manifest or in an editor.",
    discussion: """
      The manifest declares the pool's data-plane contract:

        name: prod
        config:
          object_store_ref: {uri: s3://my-prod-bucket/prefix, endpoint: ""}
          secret_store: {type: AWS_SECRETS_MANAGER, locator: us-east-1}
          image_registry: {locator: 123456789012.dkr.ecr.us-east-1.amazonaws.com/union}

      --edit opens $VISUAL or $EDITOR (else vi) on a commented template. After a manifest is \
      rejected (it does not parse, or the server refuses it), the reason is shown and you \
      choose: (r)etry reopens the editor with the reason at the top, (s)ave to file keeps your \
      text for --file, (a)bort. Without a terminal it stops at the first rejection and saves \
      the text. Saving the file unchanged or empty aborts; nothing is changed then and the exit \
      status is 1.
      """,
    aliases: ClusterPoolNoun.aliases)

  @Argument(help: "The pool's name (may be left to the manifest's name:).")
  var name: String?

  @Option(name: [.short, .long], help: "Manifest file to create the pool from ('-' reads standard input).")
  var file: String?

  @Flag(help: "Write the manifest in an editor.")
  var edit = false

  @OptionGroup var connection: ConnectionOptions

  func run() async throws {
    try await CommandRunner.run(connection) { client in
      // Not a usage error (exit 2): the official CLI exits 1 here too.
      guard (file != nil) != edit else { throw CLIError("give exactly one of --file PATH or --edit") }
      if let file {
        let manifest = try ClusterPoolManifest(yaml: try ManifestFile.read(file))
        let poolName = try manifest.resolvedName(commandLineName: name)
        try await ClusterPool.create(poolName, config: manifest.config, client: client)
        Terminal.write("Created cluster pool \"\(poolName)\".\n")
      } else {
        var created = ""
        _ = try await ManifestEditor.forCLI(fileCommand: (["flyte create cluster-pool"] + [name].compactMap { $0 }).joined(separator: " ")).edit(
          ClusterPoolManifest.creationTemplate(name: name), fileLabel: "cluster-pool-\(name ?? "new")"
        ) { manifest in
          created = try manifest.resolvedName(commandLineName: name)
          try await ClusterPool.create(created, config: manifest.config, client: client)
        }
        Terminal.write("Created cluster pool \"\(created)\".\n")
      }
    }
  }
}
