internal import Yams

extension ClusterPoolManifest {
  /// Parses a manifest; `#` comments and blank lines are ignored.
  public init(yaml text: String) throws(ManifestError) {
    let root = try ManifestError.composing(text)
    guard let root, root.null == nil else { throw ManifestError("the manifest is empty") }
    try self.init(node: root)
  }

  /// Parses one YAML document of a manifest (also one document of `flyte apply`'s files).
  init(node root: Node) throws(ManifestError) {
    try ManifestKind.check(root, "ClusterPool")
    let top = try Self.mapping(root, "the manifest", allowed: ["name", "config"], ignored: Self.readOnlyKeys)
    let name = try Self.string(top["name"], "name")
    guard let configNode = top["config"], configNode.null == nil else {
      throw ManifestError("the manifest has no config: section (object_store_ref, secret_store, image_registry)")
    }
    let config = try Self.mapping(
      configNode, "config", allowed: ["object_store_ref", "secret_store", "image_registry"])
    var result = ClusterPoolConfig()
    if let node = config["object_store_ref"] {
      let store = try Self.mapping(node, "config.object_store_ref", allowed: ["uri", "endpoint"])
      result.objectStoreURI = try Self.string(store["uri"], "config.object_store_ref.uri") ?? ""
      result.objectStoreEndpoint = try Self.string(store["endpoint"], "config.object_store_ref.endpoint") ?? ""
    }
    if let node = config["secret_store"] {
      let store = try Self.mapping(node, "config.secret_store", allowed: ["type", "locator"])
      if let typeName = try Self.string(store["type"], "config.secret_store.type"), !typeName.isEmpty {
        guard let type = SecretStoreType(name: typeName) else {
          throw ManifestError(
            "config.secret_store.type \"\(typeName)\" is not one of \(SecretStoreType.validNames)\(Self.line(store["type"]))")
        }
        result.secretStoreType = type
      }
      result.secretStoreLocator = try Self.string(store["locator"], "config.secret_store.locator") ?? ""
    }
    if let node = config["image_registry"] {
      let registry = try Self.mapping(node, "config.image_registry", allowed: ["locator"])
      result.imageRegistry = try Self.string(registry["locator"], "config.image_registry.locator") ?? ""
    }
    self.init(name: name.flatMap { $0.isEmpty ? nil : $0 }, config: result)
  }

  private static func mapping(
    _ node: Node, _ key: String, allowed: [String], ignored: Set<String> = []
  ) throws(ManifestError) -> Node.Mapping {
    if node.null != nil { return Node.Mapping([]) }
    guard let mapping = node.mapping else {
      throw ManifestError("\(key) must be a mapping with the keys \(allowed.joined(separator: ", "))\(line(node))")
    }
    for (keyNode, _) in mapping {
      let name = keyNode.string ?? "?"
      guard allowed.contains(name) || ignored.contains(name) else {
        let place = key == "the manifest" ? "at the top level" : "in \(key)"
        throw ManifestError(
          "unknown key \"\(name)\" \(place)\(line(keyNode)); expected \(allowed.joined(separator: ", "))")
      }
    }
    return mapping
  }

  private static func string(_ node: Node?, _ key: String) throws(ManifestError) -> String? {
    guard let node, node.null == nil else { return nil }
    guard let scalar = node.scalar else { throw ManifestError("\(key) must be a string\(line(node))") }
    return scalar.string.trimmingWhitespace()
  }

  private static func line(_ node: Node?) -> String {
    guard let mark = node?.mark else { return "" }
    return " (line \(mark.line))"
  }
}
