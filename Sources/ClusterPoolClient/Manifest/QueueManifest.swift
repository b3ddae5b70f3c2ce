internal import Yams

/// A queue's spec as the YAML `flyte update queue NAME --edit` opens (the shape
/// `flyte get queue NAME -o yaml` prints; its read-only keys are accepted and ignored):
///
/// ```yaml
/// name: gpu
/// spec:
///   run_concurrency: 10
///   action_concurrency: 100
///   depth: 0
///   priority: max                # min, medium or max
///   fairness: round_robin        # round_robin or shuffle_interleave
///   cluster_pool_name: prod
///   clusters: [prod-us-east-1]
/// ```
public struct QueueManifest: Sendable, Hashable {
  /// The name the manifest gives, if any.
  public var name: String?
  /// The spec.
  public var spec: QueueSpec

  /// Creates a manifest.
  public init(name: String?, spec: QueueSpec) {
    self.name = name
    self.spec = spec
  }

  static let specKeys = [
    "run_concurrency", "action_concurrency", "depth", "priority", "fairness", "cluster_pool_name", "clusters",
  ]
  static let readOnlyKeys: Set<String> = [
    "organization", "state", "state_generation", "cluster_managed", "available_clusters", "created_at", "updated_at",
    "deleted_at", "created_by", "updated_by",
  ]

  /// Parses a manifest; `#` comments and blank lines are ignored.
  public init(yaml text: String) throws(ManifestError) {
    let root: Node?
    do {
      root = try Yams.compose(yaml: text)
    } catch {
      throw ManifestError("not valid YAML: \(error)")
    }
    guard let root, root.null == nil, let top = root.mapping else {
      throw ManifestError("the manifest must be a mapping with the keys name, spec")
    }
    for (key, _) in top where !["name", "spec"].contains(key.string ?? "") && !Self.readOnlyKeys.contains(key.string ?? "") {
      throw ManifestError("unknown key \"\(key.string ?? "?")\" at the top level; expected name, spec")
    }
    guard let specNode = top["spec"], let spec = specNode.mapping else {
      throw ManifestError("the manifest has no spec: mapping (\(Self.specKeys.joined(separator: ", ")))")
    }
    for (key, _) in spec where !Self.specKeys.contains(key.string ?? "") {
      throw ManifestError("unknown key \"\(key.string ?? "?")\" in spec; expected \(Self.specKeys.joined(separator: ", "))")
    }
    var result = QueueSpec(
      runConcurrency: try Self.number(spec["run_concurrency"], "spec.run_concurrency") ?? 0,
      actionConcurrency: try Self.number(spec["action_concurrency"], "spec.action_concurrency") ?? 0,
      depth: try Self.number(spec["depth"], "spec.depth") ?? 0,
      clusterPoolName: try Self.string(spec["cluster_pool_name"], "spec.cluster_pool_name") ?? "")
    if let priority = try Self.string(spec["priority"], "spec.priority"), !priority.isEmpty {
      guard let value = QueuePriority(name: priority) else {
        throw ManifestError("spec.priority \"\(priority)\" is not one of min, medium, max")
      }
      result.priority = value
    }
    if let fairness = try Self.string(spec["fairness"], "spec.fairness"), !fairness.isEmpty {
      guard let value = QueueFairness(name: fairness) else {
        throw ManifestError("spec.fairness \"\(fairness)\" is not one of round_robin, shuffle_interleave")
      }
      result.fairness = value
    }
    if let clusters = spec["clusters"], clusters.null == nil {
      guard let sequence = clusters.sequence else { throw ManifestError("spec.clusters must be a list of cluster names") }
      result.clusters = try sequence.map { node throws(ManifestError) in
        guard let name = node.scalar?.string.trimmingWhitespace(), !name.isEmpty else {
          throw ManifestError("spec.clusters must be a list of cluster names")
        }
        return name
      }
    }
    let name = try Self.string(top["name"], "name")
    self.init(name: name.flatMap { $0.isEmpty ? nil : $0 }, spec: result)
  }

  /// `current` with every field the manifest shows replaced by the manifest's (fields it does
  /// not show, such as the scheduling algorithm, stay as they are; so does the pool when the
  /// manifest leaves `cluster_pool_name` out or empty).
  public func applied(to current: QueueSpec) -> QueueSpec {
    var result = current
    result.runConcurrency = spec.runConcurrency
    result.actionConcurrency = spec.actionConcurrency
    result.depth = spec.depth
    result.priority = spec.priority
    result.fairness = spec.fairness
    if !spec.clusterPoolName.isEmpty { result.clusterPoolName = spec.clusterPoolName }
    result.clusters = spec.clusters
    return result
  }

  /// The manifest as YAML, after a commented help block naming `action`.
  public func yaml(action: String) -> String {
    var lines = [
      "# \(action)",
      "# Lines starting with '#' are ignored. Save and quit to apply; quit without changes,",
      "# or empty the file, to abort. priority: min, medium or max; fairness: round_robin or",
      "# shuffle_interleave; clusters: pins (live members of the pool), [] for every member.",
      "# cluster_pool_name can change only while the queue is DRAINED.",
      "",
    ]
    if let name { lines.append("name: \(ClusterPoolManifest.scalar(name))") }
    lines += [
      "spec:",
      "  run_concurrency: \(spec.runConcurrency)",
      "  action_concurrency: \(spec.actionConcurrency)",
      "  depth: \(spec.depth)",
      "  priority: \(spec.priority?.rawValue ?? "\"\"")",
      "  fairness: \(spec.fairness?.rawValue ?? "\"\"")",
      "  cluster_pool_name: \(ClusterPoolManifest.scalar(spec.clusterPoolName))",
      "  clusters: [\(spec.clusters.map(ClusterPoolManifest.scalar).joined(separator: ", "))]",
    ]
    return lines.joined(separator: "\n") + "\n"
  }

  private static func string(_ node: Node?, _ key: String) throws(ManifestError) -> String? {
    guard let node, node.null == nil else { return nil }
    guard let scalar = node.scalar else { throw ManifestError("\(key) must be a string") }
    return scalar.string.trimmingWhitespace()
  }

  private static func number(_ node: Node?, _ key: String) throws(ManifestError) -> UInt32? {
    guard let text = try string(node, key), !text.isEmpty else { return nil }
    guard let value = UInt32(text) else { throw ManifestError("\(key) must be a whole number from 0 to 4294967295") }
    return value
  }
}
