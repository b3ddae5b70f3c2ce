import ClusterPoolClient
import Foundation
import Testing

@Suite struct QueueFormatterTests {
  static let queues = [
    Queue(
      name: "gpu", organization: "acme",
      spec: QueueSpec(
        runConcurrency: 10, actionConcurrency: 100, depth: 50, priority: .max, fairness: .roundRobin,
        scheduling: .strictFIFO, clusterPoolName: "prod", clusters: ["c1", "c2"],
        maxResources: [.init(.cpu, "4"), .init(.ephemeralStorage, "100G")],
        maxAccelerators: [.init(device: "nvidia-h100", count: 8)]),
      availableClusters: ["c1"], stateGeneration: 2),
    Queue(
      name: "c1", organization: "acme", spec: QueueSpec(runConcurrency: 1, actionConcurrency: 1), state: .drained,
      availableClusters: [], clusterManaged: true),
  ]

  @Test func listsTheQueuesWithTheirRouting() throws {
    #expect(try QueueFormatter.list(Self.queues, format: .table) == """
      NAME   POOL      STATE     RUNS   ACTIONS   PRIORITY   AVAILABLE CLUSTERS   MANAGED
      gpu    prod      ACTIVE    10     100       max        c1                   -
      c1     default   DRAINED   1      1         -          -                    cluster

      """)
  }

  @Test func detailShowsSpecStateAndRouting() throws {
    let text = try QueueFormatter.detail(Self.queues[0], format: .table)
    #expect(text.hasPrefix("Name:                gpu\nOrganization:        acme\nPool:                prod\n"))
    #expect(text.contains("State:               ACTIVE\nState generation:    2\nCluster-managed:     no\n"))
    #expect(text.contains("Fairness:            round_robin\nScheduling:          strict_fifo\n"))
    #expect(text.contains("Max resources:       cpu=4, ephemeral_storage=100G\n"))
    #expect(text.contains("Max accelerators:    nvidia_gpu/nvidia-h100=8\n"))
    #expect(text.contains("Pinned clusters:     c1, c2\nAvailable clusters:  c1\n"))
    let managed = try QueueFormatter.detail(Self.queues[1], format: .table)
    #expect(managed.contains("Cluster-managed:     yes (the implicit queue of cluster \"c1\")\n"))
    #expect(managed.contains("Available clusters:  (none)\n"))
    #expect(managed.contains("Max resources:       (no cap)\nMax accelerators:    (no cap)\n"))
  }

  @Test func jsonAndYAMLUseTheWireFieldNames() throws {
    let json = try QueueFormatter.detail(Self.queues[0], format: .json)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    let spec = try #require(object["spec"] as? [String: Any])
    #expect(spec["run_concurrency"] as? String == "10")
    #expect(spec["priority"] as? String == "max")
    #expect(spec["fairness"] as? String == "round_robin")
    #expect(spec["cluster_pool_name"] as? String == "prod")
    #expect(spec["clusters"] as? [String] == ["c1", "c2"])
    #expect(spec["scheduling"] as? String == "strict_fifo")
    #expect(spec["max_resources"] as? [String: String] == ["cpu": "4", "ephemeral_storage": "100G"])
    #expect(spec["max_accelerators"] as? [String: String] == ["nvidia_gpu/nvidia-h100": "8"])
    #expect(object["state"] as? String == "ACTIVE")
    #expect(object["cluster_managed"] as? String == "false")
    #expect(object["available_clusters"] as? [String] == ["c1"])
    let yaml = try QueueFormatter.list(Self.queues, format: .yaml)
    #expect(yaml.hasPrefix("- name: gpu\n  spec:\n    run_concurrency: '10'\n"))
  }
}
