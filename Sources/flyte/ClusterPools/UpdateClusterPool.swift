import ArgumentParser
import ClusterPoolClient

/// `flyte update cluster-pool NAME [--file F]`: edits the current config in an editor.
struct UpdateClusterPool: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: ClusterPoolNoun.name,
    abstract: "Change a cluster pool's config in an editor, or from a manifest.",
    discussion: """
      Without --file, opens $VISUAL or $EDITOR (else vi) on the pool's current manifest; a \
      manifest the server rejects reopens with the error at the top; saving it unchanged or \
      empty aborts.
      """,
    aliases: ClusterPoolNoun.aliases)

  @Argument(help: "The pool to change.")
  var name: String

  @Option(name: [.short, .long], help: "Manifest with the new config ('-' reads standard input).")
  var file: String?

  @OptionGroup var connection: ConnectionOptions

  func run() async throws {
    try await CommandRunner.run(connection) { client in
      if let file {
        let manifest = try ClusterPoolManifest(yaml: try ManifestFile.read(file))
        _ = try manifest.resolvedName(commandLineName: name)
        try await ClusterPool.update(name, config: manifest.config, client: client)
      } else {
        let current = try await ClusterPool.get(name, client: client)
        let text =
          ClusterPoolManifest.editorHelp(action: "Cluster pool \"\(name)\": change its data-plane contract.")
          + ClusterPoolManifest(current).yaml()
        _ = try await ManifestEditor().edit(text, fileLabel: "cluster-pool-\(name)") { manifest in
          _ = try manifest.resolvedName(commandLineName: name)
          try await ClusterPool.update(name, config: manifest.config, client: client)
        }
      }
      Terminal.write("Updated cluster pool \"\(name)\".\n")
    }
  }
}
