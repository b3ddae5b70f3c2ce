internal import Yams

extension ManifestError {
  /// The YAML node tree of a manifest's `text` (nil when it holds no document); text that is
  /// not YAML is `not valid YAML: ...`. The one start of every manifest parser.
  static func composing(_ text: String) throws(ManifestError) -> Node? {
    do {
      return try Yams.compose(yaml: text)
    } catch {
      throw ManifestError("not valid YAML: \(error)")
    }
  }
}
