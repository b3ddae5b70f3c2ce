import ClusterPoolClient
import Testing

@Suite struct ApplyDocumentsTests {
  static let organization = """
    kind: ClusterPool
    name: prod
    config:
      object_store_ref: {uri: "s3://prod"}
      secret_store: {type: AWS_SECRETS_MANAGER, locator: us-east-1}
    ---
    kind: Cluster
    name: c1
    pool: prod
    ---
    kind: Queue
    name: gpu
    spec:
      run_concurrency: 4
      action_concurrency: 8
      cluster_pool_name: prod
    ---
    kind: Policy
    name: ops
    bindings:
      - role: viewer
      - role: admin
        resource: {cluster: c1}
    ---
    kind: Assignment
    user: ada
    policies: [ops]

    """

  @Test func everyKindWithItsFileAndLine() throws {
    let documents = try ApplyDocuments(yaml: Self.organization, file: "org.yaml").documents
    #expect(documents.map(\.kind) == [.clusterPool, .cluster, .queue, .policy, .assignment])
    #expect(documents.map(\.name) == ["prod", "c1", "gpu", "ops", "user:ada"])
    #expect(documents.map(\.place.line) == [1, 7, 11, 18, 25])
    #expect(documents.allSatisfy { $0.place.file == "org.yaml" })
    guard case .cluster(let pool) = documents[1].object, case .policy(_, let bindings) = documents[3].object else {
      Issue.record("wrong objects: \(documents)")
      return
    }
    #expect(pool == "prod")
    #expect(bindings == [.init(role: "viewer"), .init(role: "admin", resource: .cluster("c1"))])
  }

  @Test func unknownKindAndKeysAreNamedWithTheirLine() {
    let text = """
      kind: ClusterPool
      name: prod
      config:
        object_store_ref: {urii: "s3://prod"}
        secret_store: {type: KUBERNETES}
      ---
      kind: Clusterr
      name: c1
      ---
      kind: Queue
      name: q
      colour: blue
      spec: {run_concurrency: 1, action_concurrency: 1}

      """
    #expect(throws: ApplyError([
      .init(SourcePlace(file: "a.yaml", line: 4), "unknown key \"urii\" in config.object_store_ref; expected endpoint, uri"),
      .init(SourcePlace(file: "a.yaml", line: 7), "unknown kind \"Clusterr\"; expected one of ClusterPool, Cluster, Queue, Role, Policy, Assignment"),
      .init(SourcePlace(file: "a.yaml", line: 12), "unknown key \"colour\" at the top level; expected kind, name, spec"),
    ])) {
      try ApplyDocuments(yaml: text, file: "a.yaml")
    }
  }

  @Test func twoDocumentsForOneObjectAndAClusterInTwoPools() throws {
    let text = """
      kind: Cluster
      name: c1
      pool: prod
      ---
      kind: Cluster
      name: c1
      pool: staging
      ---
      kind: Queue
      name: q
      spec: {run_concurrency: 1, action_concurrency: 1}
      ---
      kind: Queue
      name: q
      spec: {run_concurrency: 2, action_concurrency: 1}

      """
    let error = try #require(throws: ApplyError.self) { try ApplyDocuments(yaml: text, file: "b.yaml") }
    #expect(error.problems.map(\.description) == [
      "b.yaml:7: cluster c1 is named in two pools: prod (b.yaml:3) and staging; a cluster belongs to one pool: keep one of the two documents",
      "b.yaml:13: a second document for queue q (the first is at b.yaml:9); keep one",
    ])
  }

  @Test func aBrokenDocumentIsAnErrorNotTheEndOfTheFile() throws {
    let text = "kind: Cluster\nname: c1\n---\nkind: Cluster\nname: [c2\n---\nkind: Cluster\nname: c3\n"
    let broken = try #require(throws: ApplyError.self) { try ApplyDocuments(yaml: text, file: "d.yaml") }
    #expect(broken.problems.count == 1 && broken.problems[0].message.hasPrefix("not valid YAML: "))
    #expect(broken.problems[0].place?.line ?? 0 >= 5)
    let twice = "kind: Cluster\nname: c1\n---\nkind: Cluster\nname: c2\npool: a\npool: b\n"
    let duplicate = try #require(throws: ApplyError.self) { try ApplyDocuments(yaml: twice, file: "e.yaml") }
    #expect(duplicate.problems.map(\.description) == ["e.yaml:6: not valid YAML: the key pool appears twice in one mapping"])
  }

  @Test func badValuesSayWhereTheDocumentIs() throws {
    let text = "kind: Queue\nname: q\nspec: {run_concurrency: lots, action_concurrency: 1}\n---\nkind: Cluster\nname: Bad_Name\n"
    let error = try #require(throws: ApplyError.self) { try ApplyDocuments(yaml: text, file: "c.yaml") }
    #expect(error.problems.map(\.place?.line) == [1, 6])
    #expect(error.problems[0].message.contains("spec.run_concurrency must be a whole number"))
    #expect(error.problems[1].message.contains("name \"Bad_Name\" is not a valid name"))
  }

  @Test func getOutputIsAcceptedUnchanged() throws {
    let pool = ClusterPool(
      name: "prod", organization: "acme",
      config: .init(objectStoreURI: "s3://prod", secretStoreType: .kubernetes, imageRegistry: "r.example.com/x"),
      memberClusters: ["c1"])
    let cluster = Cluster(name: "c1", organization: "acme", pool: "prod", queues: ["c1"], generation: 3)
    let spec = QueueSpec(runConcurrency: 4, actionConcurrency: 8, priority: .max, scheduling: .greedyCapacity, clusterPoolName: "prod",
                         clusters: ["c1"], maxResources: [.init(.cpu, "64")])
    let queues = [
      Queue(name: "gpu", organization: "acme", spec: spec, availableClusters: ["c1"], stateGeneration: 1),
      Queue(name: "c1", organization: "acme", spec: QueueSpec(runConcurrency: 0, actionConcurrency: 0, clusterPoolName: "prod"),
            clusterManaged: true),
    ]
    let text = try ClusterPoolFormatter.detail(pool, format: .yaml) + ClusterFormatter.list([cluster], format: .yaml)
      + QueueFormatter.list(queues, format: .yaml)
    let documents = try ApplyDocuments(yaml: text, file: "-")
    #expect(documents.documents.map(\.kind) == [.clusterPool, .cluster, .queue, .queue])
    let state = OrganizationState(
      pools: [pool, ClusterPool(name: "default", config: .init())], clusters: [cluster],
      queues: queues + [Queue(name: "default", spec: QueueSpec(runConcurrency: 0, actionConcurrency: 0))])
    let plan = try ApplyPlan(documents, current: state, prune: true)
    #expect(plan.changes.isEmpty && plan.unmanaged.isEmpty, "\(plan.rendered())")
    #expect(plan.rendered() == "No changes: the organization matches the 4 documents.\n")
  }
}
