import ClusterPoolClient
import Testing

@Suite struct ApplyPlanTests {
  static let prodConfig = ClusterPoolConfig(objectStoreURI: "s3://prod", secretStoreType: .kubernetes)
  static let pools = """
    kind: ClusterPool
    name: prod
    config: {object_store_ref: {uri: "s3://prod"}, secret_store: {type: KUBERNETES}}
    ---
    kind: ClusterPool
    name: staging
    config: {object_store_ref: {uri: "s3://staging"}, secret_store: {type: KUBERNETES}}
    ---

    """

  static func state(pools: [ClusterPool] = [], clusters: [Cluster] = [], queues: [Queue] = []) -> OrganizationState {
    OrganizationState(
      pools: pools + [ClusterPool(name: "default", config: .init())], clusters: clusters,
      queues: queues + [Queue(name: "default", spec: .init(runConcurrency: 0, actionConcurrency: 0, clusterPoolName: "default"))])
  }

  static func plan(_ text: String, _ state: OrganizationState, prune: Bool = false) throws -> ApplyPlan {
    try ApplyPlan(ApplyDocuments(yaml: text, file: "org.yaml"), current: state, prune: prune)
  }

  @Test func createsInDependencyOrder() throws {
    let text = """
      kind: Queue
      name: gpu
      spec: {run_concurrency: 1, action_concurrency: 2, cluster_pool_name: prod, clusters: [c1]}
      ---
      kind: Cluster
      name: c1
      pool: prod
      ---

      """ + Self.pools
    let plan = try Self.plan(text, Self.state())
    #expect(plan.changes.map(\.summary) == ["create cluster-pool prod", "create cluster-pool staging", "create cluster c1", "create queue gpu"])
    #expect(plan.changes.map(\.place?.line) == [9, 13, 5, 1])
    #expect(plan.rendered().hasSuffix("Plan: 4 to create.\n"))
  }

  @Test func changedFieldsOnlyAndTheQueuesPoolChangeDrainsIt() throws {
    let gpu = Queue(name: "gpu", spec: .init(runConcurrency: 1, actionConcurrency: 2, clusterPoolName: "prod"))
    let text = Self.pools + """
      kind: Queue
      name: gpu
      spec: {run_concurrency: 5, action_concurrency: 2, cluster_pool_name: staging}

      """
    let state = Self.state(
      pools: [ClusterPool(name: "prod", config: Self.prodConfig),
              ClusterPool(name: "staging", config: .init(objectStoreURI: "s3://old", secretStoreType: .kubernetes))],
      queues: [gpu])
    let plan = try Self.plan(text, state)
    #expect(plan.changes.map(\.summary) == ["update cluster-pool staging", "update queue gpu"])
    #expect(plan.changes[0].fields == ["config.object_store_ref.uri: s3://old -> s3://staging"])
    #expect(plan.changes[1].fields == ["spec.run_concurrency: 1 -> 5", "spec.cluster_pool_name: prod -> staging"])
    #expect(plan.changes[1].note == "drained to change its pool, then activated again")
  }

  @Test func aMovingClusterIsDrainedDeletedAndRegisteredUnlessPinned() throws {
    let text = Self.pools + "kind: Cluster\nname: c1\npool: staging\n"
    let pools = [ClusterPool(name: "prod", config: Self.prodConfig),
                 ClusterPool(name: "staging", config: .init(objectStoreURI: "s3://staging", secretStoreType: .kubernetes))]
    let c1 = Cluster(name: "c1", pool: "prod")
    let implicit = Queue(name: "c1", spec: .init(runConcurrency: 0, actionConcurrency: 0, clusterPoolName: "prod"), clusterManaged: true)
    let plan = try Self.plan(text, Self.state(pools: pools, clusters: [c1], queues: [implicit]))
    #expect(plan.changes.map(\.summary) == ["move cluster c1"])
    #expect(plan.changes[0].fields == ["pool: prod -> staging"])
    #expect(plan.rendered().contains("(drain, delete and register again: a cluster never moves in place)"))

    let pinned = Queue(name: "gpu", spec: .init(runConcurrency: 1, actionConcurrency: 1, clusterPoolName: "prod", clusters: ["c1"]))
    let error = try #require(throws: ApplyError.self) {
      try Self.plan(text, Self.state(pools: pools, clusters: [c1], queues: [implicit, pinned]))
    }
    #expect(error.problems.map(\.place) == [SourcePlace(file: "org.yaml", line: 11)])
    #expect(error.problems[0].message.hasPrefix("cluster c1 cannot move from pool prod to staging: queue gpu pins it"))
  }

  @Test func aPoolNeitherInTheFilesNorOnTheServerIsRefused() throws {
    let text = "kind: Cluster\nname: c1\npool: prod\n---\nkind: Queue\nname: q\nspec:\n  run_concurrency: 1\n  action_concurrency: 1\n  cluster_pool_name: gone\n"
    let error = try #require(throws: ApplyError.self) { try Self.plan(text, Self.state()) }
    #expect(error.problems.map(\.description) == [
      "org.yaml:3: cluster c1 names pool prod, which is neither in the files nor on the server; add a ClusterPool document for it",
      "org.yaml:10: queue q names pool gone, which is neither in the files nor on the server; add a ClusterPool document for it",
    ])
    // on the server, it will do; pruning, it would be deleted
    let onServer = Self.state(pools: [ClusterPool(name: "prod", config: Self.prodConfig), ClusterPool(name: "gone", config: Self.prodConfig)])
    #expect(try Self.plan(text, onServer).changes.map(\.summary) == ["create cluster c1", "create queue q"])
    #expect(throws: ApplyError.self) { try Self.plan(text, onServer, prune: true) }
  }

  @Test func pruneDeletesInReverseOrderAndSparesDefaultsAndImplicitQueues() throws {
    let text = "kind: ClusterPool\nname: prod\nconfig: {object_store_ref: {uri: \"s3://prod\"}, secret_store: {type: KUBERNETES}}\n"
    let state = Self.state(
      pools: [ClusterPool(name: "prod", config: Self.prodConfig), ClusterPool(name: "old", config: Self.prodConfig)],
      clusters: [Cluster(name: "c9", pool: "old")],
      queues: [Queue(name: "c9", spec: .init(runConcurrency: 0, actionConcurrency: 0, clusterPoolName: "old"), clusterManaged: true),
               Queue(name: "scratch", spec: .init(runConcurrency: 1, actionConcurrency: 1, clusterPoolName: "old"))])
    let listed = try Self.plan(text, state)
    #expect(listed.changes.isEmpty)
    #expect(listed.unmanaged.map(\.description) == ["queue scratch", "cluster c9", "cluster-pool old"])
    #expect(listed.rendered().contains("Not managed here (on the server, in no document; --prune deletes them):\n  queue scratch\n"))
    let pruned = try Self.plan(text, state, prune: true)
    #expect(pruned.changes.map(\.summary) == ["delete queue scratch", "delete cluster c9", "delete cluster-pool old"])
    #expect(pruned.rendered().contains("- delete queue scratch  (drained first)\n"))
  }
}
