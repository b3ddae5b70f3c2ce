/// The YAML documents of `flyte get ... -o yaml`: each object leads with its `kind:`, so the
/// output is what `flyte apply` (and each noun's `--file`) reads back unchanged; a list is a
/// stream of such documents, each after a `---` line.
extension DocumentValue {
  /// `value` (an object) with `kind: KIND` as its first key.
  static func kinded(_ kind: String, _ value: DocumentValue) -> DocumentValue {
    guard case .object(let fields) = value else { return value }
    return .object([("kind", .string(kind))] + fields)
  }

  /// One YAML document per value, each after a `---` line; empty for no values.
  static func yamlStream(_ documents: [DocumentValue]) throws -> String {
    try documents.map { "---\n" + (try $0.yaml()) }.joined()
  }
}
