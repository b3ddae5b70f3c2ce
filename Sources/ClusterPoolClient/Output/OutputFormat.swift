/// How `get` commands print resources.
public enum OutputFormat: String, CaseIterable, Sendable {
  /// Aligned columns for a list, labelled lines for one resource.
  case table
  /// Pretty-printed JSON: an object for one resource, an array for a list.
  case json
  /// YAML: a mapping for one resource (an editable manifest), a sequence for a list.
  case yaml
}
