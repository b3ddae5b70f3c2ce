internal import Yams

/// The `kind:` key a manifest may carry (as `flyte get ... -o yaml` prints it, so the output
/// feeds `--file` and `flyte apply` alike): when present it must name the manifest's kind.
enum ManifestKind {
  /// Throws when `root` is a mapping whose `kind` is not `expected`.
  static func check(_ root: Node, _ expected: String) throws(ManifestError) {
    guard let kind = root.mapping?["kind"], kind.null == nil else { return }
    guard let given = kind.scalar?.string, given == expected else {
      let line = kind.mark.map { " (line \($0.line))" } ?? ""
      throw ManifestError("the manifest's kind \"\(kind.scalar?.string ?? "?")\"\(line) is not \(expected)")
    }
  }
}
