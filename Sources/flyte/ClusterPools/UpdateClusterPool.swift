import ArgumentParser
import ClusterPoolClient

/// `flyte update cluster-pool NAME [--file F]`: edits the current config in an editor.
struct UpdateClusterPool: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: ClusterPoolNoun.name,
    abstract: "Change a cluster pool's config in an editor, or from a manifest.",
    discussion: """
      Without --file, opens $VISUAL or $EDITOR (else vi) on the pool's current manifest. After \
      a manifest is rejected (it does not parse, or the server refuses it), the reason is shown \
      and you choose: (r)etry reopens the editor with the reason at the top, (s)ave to file \
      keeps your text for --file, (a)bort. Without a terminal it stops at the first rejection \
      and saves the text. Saving the file unchanged or empty aborts; nothing is changed then \
      and the exit status is 1.
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
        let editor = ManifestEditor.forCLI(fileCommand: "flyte update cluster-pool \(name)")
        _ = try await editor.edit(text, fileLabel: "cluster-pool-\(name)") { manifest in
          _ = try manifest.resolvedName(commandLineName: name)
          try await ClusterPool.update(name, config: manifest.config, client: client)
        }
      }
      Terminal.write("Updated cluster pool \"\(name)\".\n")
    }
  }
}
