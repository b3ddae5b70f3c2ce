import ClusterPoolClient

extension ManifestEditor {
  /// The editor of `--edit`: `$VISUAL`, else `$EDITOR`, else `vi`; after a rejection it asks
  /// on the terminal (without one it stops, saving the edited manifest for
  /// `fileCommand --file PATH`); SIGINT and SIGTERM remove its temporary file and exit.
  static func forCLI(fileCommand: String?) -> ManifestEditor {
    var editor = ManifestEditor()
    editor.fileCommand = fileCommand
    editor.exitsOnSignal = true
    return editor
  }
}
