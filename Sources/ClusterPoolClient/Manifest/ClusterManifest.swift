internal import Yams

/// A cluster to register, as `flyte create cluster --file` reads it (the shape
/// `flyte get cluster NAME -o yaml` prints; its read-only keys are accepted and ignored):
///
/// ```yaml
/// name: prod-us-east-1
/// pool: prod          # left out or empty: the default pool
/// ```
public struct ClusterManifest: Sendable, Hashable {
  /// The name the manifest gives, if any.
  public var name: String?
  /// The pool to register the cluster into; `nil` for the default pool.
  public var pool: String?

  /// Creates a manifest.
  public init(name: String?, pool: String?) {
    self.name = name
    self.pool = pool
  }

  static let keys = ["name", "pool"]
  static let readOnlyKeys: Set<String> = [
    "kind", "organization", "state", "generation", "health", "unhealthy_reasons", "queues", "deleted_at", "created_by", "updated_by",
  ]

  /// Parses a manifest; `#` comments and blank lines are ignored.
  public init(yaml text: String) throws(ManifestError) {
    let root = try ManifestError.composing(text)
    try self.init(node: root)
  }

  /// Parses one YAML document of a manifest (also one document of `flyte apply`'s files).
  init(node root: Node?) throws(ManifestError) {
    if let root { try ManifestKind.check(root, "Cluster") }
    guard let root, root.null == nil, let top = root.mapping else {
      throw ManifestError("the manifest must be a mapping with the keys \(Self.keys.joined(separator: ", "))")
    }
    for (key, _) in top where !Self.keys.contains(key.string ?? "") && !Self.readOnlyKeys.contains(key.string ?? "") {
      throw ManifestError("unknown key \"\(key.string ?? "?")\" at the top level; expected \(Self.keys.joined(separator: ", "))")
    }
    let name = try QueueManifest.string(top["name"], "name")
    let pool = try QueueManifest.string(top["pool"], "pool")
    self.init(name: name.flatMap { $0.isEmpty ? nil : $0 }, pool: pool.flatMap { $0.isEmpty ? nil : $0 })
  }

  /// The cluster's name: `commandLineName` and the manifest's `name:` must agree when both
  /// are given.
  public func resolvedName(commandLineName: String?) throws(ManifestError) -> String {
    try ManifestName.resolved(declared: name, commandLine: commandLineName)
  }
}
