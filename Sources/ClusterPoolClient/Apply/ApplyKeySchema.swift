internal import Yams

/// The keys each kind of document may hold, nested: any other key is an error naming its file
/// and line (which catches typos before anything is sent). Read-only keys of `flyte get ... -o
/// yaml` are accepted and ignored.
indirect enum ApplyKeySchema {
  /// A mapping of these keys (and `readOnly` ones, whatever they hold).
  case mapping([String: ApplyKeySchema], readOnly: Set<String> = [])
  /// A list of items of this schema.
  case list(ApplyKeySchema)
  /// Anything (a scalar, or a mapping the manifest's parser checks itself).
  case any

  /// The schema of a document of `kind`.
  static func of(_ kind: ApplyKind) -> ApplyKeySchema {
    switch kind {
    case .clusterPool:
      .mapping(
        [
          "kind": .any, "name": .any,
          "config": .mapping([
            "object_store_ref": .mapping(["uri": .any, "endpoint": .any]),
            "secret_store": .mapping(["type": .any, "locator": .any]),
            "image_registry": .mapping(["locator": .any]),
          ]),
        ], readOnly: ClusterPoolManifest.readOnlyKeys)
    case .cluster:
      .mapping(["kind": .any, "name": .any, "pool": .any], readOnly: ClusterManifest.readOnlyKeys)
    case .queue:
      .mapping(
        [
          "kind": .any, "name": .any,
          "spec": .mapping(Dictionary(uniqueKeysWithValues: QueueManifest.specKeys.map { ($0, ApplyKeySchema.any) })),
        ], readOnly: QueueManifest.readOnlyKeys)
    case .role:
      .mapping(["kind": .any, "name": .any, "description": .any, "actions": .any], readOnly: ["organization", "role_type"])
    case .policy:
      .mapping(
        [
          "kind": .any, "name": .any, "description": .any,
          "bindings": .list(.mapping(["role": .any, "resource": .mapping(["cluster": .any, "domain": .any, "project": .any])])),
        ], readOnly: ["organization"])
    case .assignment:
      .mapping(["kind": .any, "user": .any, "application": .any, "policies": .any], readOnly: ["organization", "roles"])
    }
  }

  /// The problems of `node` under this schema at `path` (`""` at the top), and the place of
  /// every key it checked, by path (`spec.cluster_pool_name`).
  func check(_ node: Node, path: String, file: String, places: inout [String: SourcePlace]) -> [ApplyError.Problem] {
    switch self {
    case .any:
      return []
    case .list(let item):
      guard node.null == nil else { return [] }
      guard let sequence = node.sequence else {
        return [.init(Self.place(node, file), "\(path) must be a list")]
      }
      return sequence.enumerated().flatMap { index, element in
        item.check(element, path: "\(path)[\(index)]", file: file, places: &places)
      }
    case .mapping(let keys, let readOnly):
      guard node.null == nil else { return [] }
      guard let mapping = node.mapping else {
        return [.init(Self.place(node, file), "\(path.isEmpty ? "the document" : path) must be a mapping")]
      }
      var problems: [ApplyError.Problem] = []
      for (keyNode, value) in mapping {
        let key = keyNode.string ?? "?"
        let full = path.isEmpty ? key : "\(path).\(key)"
        if let schema = keys[key] {
          places[full] = Self.place(keyNode, file)
          problems += schema.check(value, path: full, file: file, places: &places)
        } else if !readOnly.contains(key) {
          let place = path.isEmpty ? "at the top level" : "in \(path)"
          problems.append(
            .init(
              Self.place(keyNode, file),
              "unknown key \"\(key)\" \(place); expected \(keys.keys.sorted().joined(separator: ", "))"))
        }
      }
      return problems
    }
  }

  static func place(_ node: Node, _ file: String) -> SourcePlace? {
    node.mark.map { SourcePlace(file: file, line: $0.line) }
  }
}
