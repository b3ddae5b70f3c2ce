import ClusterPoolClient
import Testing

@Suite struct QueueManifestTests {
  static let spec = QueueSpec(
    runConcurrency: 10, actionConcurrency: 100, depth: 5, priority: .max, fairness: .shuffleInterleave,
    scheduling: .greedyCapacity, clusterPoolName: "prod", clusters: ["prod-us-east-1", "b"],
    maxResources: [.init(.cpu, "4"), .init(.memory, "16Gi")],
    maxAccelerators: [.init(device: "nvidia-h100", count: 8), .init(device: "", count: 2),
      .init(device: "nvidia-a100", partitionSize: "1g.5gb", count: 1)])

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
        scheduling: greedy_capacity
        cluster_pool_name: prod
        clusters: [prod-us-east-1, b]
        max_resources: {cpu: "4", memory: "16Gi"}
        max_accelerators: {nvidia_gpu/nvidia-h100: 8, nvidia_gpu: 2, nvidia_gpu/nvidia-a100/1g.5gb: 1}

      """))
    let parsed = try QueueManifest(yaml: text)
    #expect(parsed == QueueManifest(name: "gpu", spec: Self.spec))
    let empty = QueueManifest(name: nil, spec: QueueSpec(runConcurrency: 1, actionConcurrency: 2))
    #expect(try QueueManifest(yaml: empty.yaml(action: "x")) == empty)
  }

  @Test func appliedReplacesWhatTheManifestShows() throws {
    let current = QueueSpec(runConcurrency: 1, actionConcurrency: 1, clusterPoolName: "default")
    #expect(QueueManifest(name: nil, spec: Self.spec).applied(to: current) == Self.spec)
    // caps and scheduling the manifest leaves out stay; an empty mapping removes a cap list
    let partial = try QueueManifest(yaml: "spec:\n  run_concurrency: 3\n  max_accelerators: {}\n")
    let applied = partial.applied(to: Self.spec)
    #expect(applied.maxResources == Self.spec.maxResources && applied.scheduling == .greedyCapacity)
    #expect(applied.maxAccelerators.isEmpty && applied.runConcurrency == 3)
    let shorthand = try QueueManifest(yaml: "spec:\n  max_accelerators: {H100: 8, A100 80G: 2, tpu/V6E: 4}\n")
    #expect(shorthand.spec.maxAccelerators.map(\.description) == [
      "nvidia_gpu/nvidia-h100=8", "nvidia_gpu/nvidia-a100-80gb=2", "google_tpu/google-tpu-v6e=4",
    ])
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
    ("spec:\n  scheduling: lifo\n", "spec.scheduling \"lifo\" is not one of strict_fifo, greedy_capacity"),
    ("spec:\n  max_resources: {gpu: 1}\n", "spec.max_resources: gpu cannot be capped as a resource"),
    ("spec:\n  max_resources: [cpu]\n", "spec.max_resources must be a mapping"),
    ("spec:\n  max_accelerators: {X9000: 1}\n", "spec.max_accelerators: \"X9000\" is not a known accelerator"),
    ("spec:\n  max_accelerators: {H100: 0}\n", "must be a positive number of devices"),
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
