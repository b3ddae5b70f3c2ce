/// How `get` commands print resources: the official CLI's formats (by its names) and YAML.
public enum OutputFormat: String, CaseIterable, Sendable {
  /// Aligned columns for a list, labelled lines for one resource, under a title naming the
  /// organization.
  case table
  /// The table without its title: a header line and one line per resource, for `awk` and
  /// `cut` (the official CLI's `table-simple`).
  case tableSimple = "table-simple"
  /// Pretty-printed JSON with typed numbers and booleans: an object for one resource, an
  /// array for a list.
  case json
  /// The server's message as the official CLI prints it: the protobuf JSON mapping
  /// (lowerCamelCase names, enum value names, 64-bit integers as strings, RFC 3339
  /// timestamps, defaults omitted) of each pool and cluster, the official queue document of
  /// each queue; always an array, one element for one resource.
  case jsonRaw = "json-raw"
  /// YAML: a mapping for one resource (an editable manifest), a sequence for a list.
  case yaml
}
