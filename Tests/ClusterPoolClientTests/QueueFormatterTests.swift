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
      Queues in organization acme
      NAME   POOL      STATE     RUNS   ACTIONS   PRIORITY   AVAILABLE CLUSTERS   MANAGED
      gpu    prod      ACTIVE    10     100       max        c1                   -
      c1     default   DRAINED   1      1         -          -                    cluster

      """)
  }

  @Test func detailShowsSpecStateAndRouting() throws {
    let text = try QueueFormatter.detail(Self.queues[0], format: .table)
    #expect(text.hasPrefix("Queue gpu in organization acme\nName:                gpu\nOrganization:        acme\nPool:                prod\n"))
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
    #expect(spec["run_concurrency"] as? Int == 10)
    #expect(json.contains("\"run_concurrency\": 10,\n    \"action_concurrency\": 100,\n    \"depth\": 50,\n"))
    #expect(spec["priority"] as? String == "max")
    #expect(spec["fairness"] as? String == "round_robin")
    #expect(spec["cluster_pool_name"] as? String == "prod")
    #expect(spec["clusters"] as? [String] == ["c1", "c2"])
    #expect(spec["scheduling"] as? String == "strict_fifo")
    #expect(spec["max_resources"] as? [String: String] == ["cpu": "4", "ephemeral_storage": "100G"])
    #expect(spec["max_accelerators"] as? [String: Int] == ["nvidia_gpu/nvidia-h100": 8])
    #expect(json.contains("\"nvidia_gpu/nvidia-h100\": 8\n"))
    #expect(object["state"] as? String == "ACTIVE")
    #expect(json.contains("\"state_generation\": 2,\n  \"cluster_managed\": false,\n"))
    #expect(object["available_clusters"] as? [String] == ["c1"])
    let yaml = try QueueFormatter.list(Self.queues, format: .yaml)
    #expect(yaml.hasPrefix("---\nkind: Queue\nname: gpu\nspec:\n  run_concurrency: 10\n  action_concurrency: 100\n"))
    #expect(yaml.contains("\nstate_generation: 2\ncluster_managed: false\n"))
  }
}

extension QueueFormatterTests {
  @Test func listShowsNoLimitLikeTheDetailView() throws {
    let unlimited = Queue(name: "open", organization: "acme", spec: QueueSpec(runConcurrency: 0, actionConcurrency: 0))
    let table = try QueueFormatter.list([unlimited], format: .table)
    #expect(table.contains("open   default   ACTIVE   no limit   no limit   -"))
    #expect(try QueueFormatter.detail(unlimited, format: .table).contains("Run concurrency:     no limit\n"))
  }

  @Test func tableSimpleIsTheTableWithoutItsTitle() throws {
    let table = try QueueFormatter.list(Self.queues, format: .table)
    let simple = try QueueFormatter.list(Self.queues, format: .tableSimple)
    #expect(table == "Queues in organization acme\n" + simple)
    #expect(simple.hasPrefix("NAME   POOL      STATE"))
    let detail = try QueueFormatter.detail(Self.queues[0], format: .tableSimple)
    #expect(detail.hasPrefix("Name:                gpu\n"))
  }

  @Test func theTitleNamesTheClientsOrganizationElseTheServersDefault() throws {
    #expect(try QueueFormatter.list(Self.queues, format: .table, organization: "127").hasPrefix("Queues in organization 127\n"))
    let anonymous = Queue(name: "q", spec: QueueSpec(runConcurrency: 1, actionConcurrency: 1))
    #expect(try QueueFormatter.list([anonymous], format: .table).hasPrefix("Queues in the server's default organization\n"))
    #expect(try QueueFormatter.detail(anonymous, format: .table).hasPrefix("Queue q in the server's default organization\n"))
  }

  @Test func jsonRawNeedsAQueueReadFromTheServer() throws {
    #expect(throws: (any Error).self) { try QueueFormatter.list(Self.queues, format: .jsonRaw) }
  }
}
