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
///   scheduling: greedy_capacity  # strict_fifo or greedy_capacity
///   cluster_pool_name: prod
///   clusters: [prod-us-east-1]
///   max_resources: {cpu: "64", memory: 512Gi}
///   max_accelerators: {nvidia_gpu/nvidia-h100: 8}
/// ```
public struct QueueManifest: Sendable, Hashable {
  /// The name the manifest gives, if any.
  public var name: String?
  /// The spec.
  public var spec: QueueSpec
  /// Whether the manifest shows `max_resources` / `max_accelerators` (a cap list it leaves
  /// out stays as it is when applied).
  var showsMaxResources = true
  var showsMaxAccelerators = true

  /// Creates a manifest.
  public init(name: String?, spec: QueueSpec) {
    self.name = name
    self.spec = spec
  }

  public static func == (lhs: QueueManifest, rhs: QueueManifest) -> Bool { lhs.name == rhs.name && lhs.spec == rhs.spec }
  public func hash(into hasher: inout Hasher) {
    hasher.combine(name)
    hasher.combine(spec)
  }

  static let specKeys = [
    "run_concurrency", "action_concurrency", "depth", "priority", "fairness", "scheduling", "cluster_pool_name", "clusters",
    "max_resources", "max_accelerators",
  ]
  static let readOnlyKeys: Set<String> = [
    "kind", "organization", "state", "state_generation", "cluster_managed", "available_clusters", "created_at", "updated_at",
    "deleted_at", "created_by", "updated_by",
  ]

  /// Parses a manifest; `#` comments and blank lines are ignored.
  public init(yaml text: String) throws(ManifestError) {
    let root = try ManifestError.composing(text)
    try self.init(node: root)
  }

  /// Parses one YAML document of a manifest (also one document of `flyte apply`'s files).
  init(node root: Node?) throws(ManifestError) {
    if let root { try ManifestKind.check(root, "Queue") }
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
    if let scheduling = try Self.string(spec["scheduling"], "spec.scheduling"), !scheduling.isEmpty {
      guard let value = QueueScheduling(name: scheduling) else {
        throw ManifestError("spec.scheduling \"\(scheduling)\" is not one of strict_fifo, greedy_capacity")
      }
      result.scheduling = value
    }
    result.maxResources = try Self.resourceCaps(spec["max_resources"]) ?? []
    result.maxAccelerators = try Self.acceleratorCaps(spec["max_accelerators"]) ?? []
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
    showsMaxResources = spec["max_resources"] != nil
    showsMaxAccelerators = spec["max_accelerators"] != nil
  }

  /// The queue's name: `commandLineName` and the manifest's `name:` must agree when both
  /// are given.
  public func resolvedName(commandLineName: String?) throws(ManifestError) -> String {
    try ManifestName.resolved(declared: name, commandLine: commandLineName)
  }

  /// `current` with every field the manifest shows replaced by the manifest's (fields it does
  /// not show stay as they are: the scheduling algorithm when left out or empty, a cap list
  /// when left out, the pool when `cluster_pool_name` is left out or empty).
  public func applied(to current: QueueSpec) -> QueueSpec {
    var result = current
    result.runConcurrency = spec.runConcurrency
    result.actionConcurrency = spec.actionConcurrency
    result.depth = spec.depth
    result.priority = spec.priority
    result.fairness = spec.fairness
    if let scheduling = spec.scheduling { result.scheduling = scheduling }
    if showsMaxResources { result.maxResources = spec.maxResources }
    if showsMaxAccelerators { result.maxAccelerators = spec.maxAccelerators }
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
      "# shuffle_interleave; scheduling: strict_fifo or greedy_capacity; clusters: pins (live",
      "# members of the pool), [] for every member. max_resources: {cpu: \"4\", memory: 16Gi};",
      "# max_accelerators: {nvidia-h100: 8}; {} for no cap. cluster_pool_name can change only",
      "# while the queue is DRAINED.",
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
      "  scheduling: \(spec.scheduling?.rawValue ?? "\"\"")",
      "  cluster_pool_name: \(ClusterPoolManifest.scalar(spec.clusterPoolName))",
      "  clusters: [\(spec.clusters.map(ClusterPoolManifest.scalar).joined(separator: ", "))]",
      "  max_resources: {\(spec.maxResources.map { "\($0.resource): \(Self.quoted($0.quantity))" }.joined(separator: ", "))}",
      "  max_accelerators: {\(spec.maxAccelerators.map { "\($0.selector): \($0.count)" }.joined(separator: ", "))}",
    ]
    return lines.joined(separator: "\n") + "\n"
  }

  static func string(_ node: Node?, _ key: String) throws(ManifestError) -> String? {
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
