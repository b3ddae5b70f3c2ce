import ClusterPoolClient
import Testing

@Suite struct QueueManifestTests {
  static let spec = QueueSpec(
    runConcurrency: 10, actionConcurrency: 100, depth: 5, priority: .max, fairness: .shuffleInterleave,
    clusterPoolName: "prod", clusters: ["prod-us-east-1", "b"])

  @Test func rendersAndReadsBack() throws {
    let text = QueueManifest(name: "gpu", spec: Self.spec).yaml(action: "Queue \"gpu\"")
    #expect(text.hasPrefix("# Queue \"gpu\"\n"))
    #expect(text.contains("""
      name: gpu
      spec:
        run_concurrency: 10
        action_concurrency: 100
        depth: 5
        priority: max
        fairness: shuffle_interleave
        cluster_pool_name: prod
        clusters: [prod-us-east-1, b]

      """))
    let parsed = try QueueManifest(yaml: text)
    #expect(parsed == QueueManifest(name: "gpu", spec: Self.spec))
    let empty = QueueManifest(name: nil, spec: QueueSpec(runConcurrency: 1, actionConcurrency: 2))
    #expect(try QueueManifest(yaml: empty.yaml(action: "x")) == empty)
  }

  @Test func appliedReplacesWhatTheManifestShows() {
    let current = QueueSpec(runConcurrency: 1, actionConcurrency: 1, clusterPoolName: "default")
    #expect(QueueManifest(name: nil, spec: Self.spec).applied(to: current) == Self.spec)
  }

  @Test func readsWhatGetQueuePrintsAsYAML() throws {
    let queue = Queue(
      name: "gpu", organization: "acme", spec: Self.spec, availableClusters: ["b"], clusterManaged: false,
      stateGeneration: 3)
    let printed = try QueueFormatter.detail(queue, format: .yaml)
    #expect(try QueueManifest(yaml: printed) == QueueManifest(name: "gpu", spec: Self.spec))
  }

  @Test(arguments: [
    ("spec:\n  run_concurrency: ten\n", "spec.run_concurrency must be a whole number"),
    ("spec:\n  run_concurrency: -1\n", "spec.run_concurrency must be a whole number"),
    ("spec:\n  priority: high\n", "spec.priority \"high\" is not one of min, medium, max"),
    ("spec:\n  fairness: fifo\n", "spec.fairness \"fifo\" is not one of round_robin, shuffle_interleave"),
    ("spec:\n  clusters: c1\n", "spec.clusters must be a list of cluster names"),
    ("spec:\n  concurrency: 1\n", "unknown key \"concurrency\" in spec"),
    ("name: q\nspek: {}\n", "unknown key \"spek\" at the top level"),
    ("name: q\n", "the manifest has no spec: mapping"),
    ("- a\n", "the manifest must be a mapping"),
    ("spec: [\n", "not valid YAML"),
  ])
  func rejectsBadManifests(text: String, message: String) {
    #expect {
      try QueueManifest(yaml: text)
    } throws: { error in
      (error as? ManifestError)?.message.contains(message) == true
    }
  }
}
