import ClusterPoolClient
import ClusterPoolProto
import RPCCore
import Testing

/// What `Queue`'s calls send and how they read the replies, against a recording server.
@Suite struct QueueAPITests {
  typealias Service = Cloudidl.Queue.QueueService

  static func proto(
    _ name: String, spec: Cloudidl.Queue.QueueSpec, state: Cloudidl.Queue.QueueState = .active, generation: UInt64 = 1,
    available: [String] = [], managed: Bool = false
  ) -> Cloudidl.Queue.Queue {
    .init(
      id: .init(organization: "acme", name: name), spec: spec,
      status: .init(
        state: state, availableClusters: available.map { .init(organization: "acme", name: $0) },
        clusterManaged: managed, stateGeneration: generation),
      createdAt: .init(seconds: 1_700_000_000))
  }

  @Test func createSendsTheWholeSpecAndReadsTheQueueBack() async throws {
    let seen = Recorded<Cloudidl.Queue.CreateQueueRequest>()
    try await withRecordingServer(register: { registry in
      registry.unary(descriptor(Service.CreateQueue.method)) {
        (request: Cloudidl.Queue.CreateQueueRequest, _) -> Cloudidl.Queue.CreateQueueResponse in
        seen.append(request)
        return .init(queue: Self.proto(request.id?.name ?? "", spec: request.spec ?? .init(), available: ["c1"]))
      }
    }) { client in
      let queue = try await Queue.create(
        "gpu", runConcurrency: 10, actionConcurrency: 100, clusterPoolName: "prod", clusters: ["c1"], depth: 50,
        priority: .max, fairness: .shuffleInterleave, client: client)
      #expect(queue.name == "gpu")
      #expect(queue.pool == "prod")
      #expect(queue.state == .active)
      #expect(queue.availableClusters == ["c1"])
      #expect(queue.spec.priority == .max)
      #expect(queue.spec.fairness == .shuffleInterleave)
      #expect(queue.createdAt?.timeIntervalSince1970 == 1_700_000_000)
      try await Queue.create("small", runConcurrency: 1, actionConcurrency: 2, client: client)
    }
    let requests = seen.all
    #expect(requests.count == 2)
    let spec = try #require(requests[0].spec)
    #expect(requests[0].id?.organization == "acme")
    #expect(requests[0].state == .active)
    #expect(spec.runConcurrency == 10 && spec.actionConcurrency == 100 && spec.depth == 50)
    #expect(spec.priority.rawValue == 100)
    #expect(spec.fairness.rawValue == 2)
    #expect(spec.clusterPoolName == "prod")
    #expect(spec.clusters == ["c1"])
    #expect(requests[1].spec?.priority == .unspecified)
    #expect(requests[1].spec?.clusterPoolName == "")
  }

  @Test func updateChangesOnlyTheGivenPartsAndKeepsTheRest() async throws {
    let original = Cloudidl.Queue.QueueSpec(
      runConcurrency: 1, actionConcurrency: 2, depth: 3, priority: .min, fairness: .roundRobin, clusters: ["c1"],
      clusterPoolName: "prod", scheduling: .greedyCapacity)
    let updates = Recorded<Cloudidl.Queue.UpdateQueueRequest>()
    try await withRecordingServer(register: { registry in
      registry.unary(descriptor(Service.GetQueue.method)) {
        (request: Cloudidl.Queue.GetQueueRequest, _) -> Cloudidl.Queue.GetQueueResponse in
        .init(queue: Self.proto(request.id?.name ?? "", spec: original))
      }
      registry.unary(descriptor(Service.UpdateQueue.method)) {
        (request: Cloudidl.Queue.UpdateQueueRequest, _) -> Cloudidl.Queue.UpdateQueueResponse in
        updates.append(request)
        return .init(queue: Self.proto(request.id?.name ?? "", spec: request.spec ?? .init()))
      }
    }) { client in
      let queue = try await Queue.update("gpu", runConcurrency: 8, priority: .medium, client: client)
      #expect(queue.spec.runConcurrency == 8)
    }
    let sent = try #require(updates.all.first?.spec)
    #expect(sent.runConcurrency == 8 && sent.priority == .medium)
    #expect(sent.actionConcurrency == 2 && sent.depth == 3 && sent.fairness == .roundRobin)
    #expect(sent.clusters == ["c1"] && sent.clusterPoolName == "prod")
    #expect(sent.scheduling == .greedyCapacity)  // a field the client does not model goes back unchanged
  }

  @Test func stateChangesAndDeleteAreGuardedByTheStateGeneration() async throws {
    let changes = Recorded<Cloudidl.Queue.UpdateQueueStateRequest>()
    let deletes = Recorded<Cloudidl.Queue.DeleteQueueRequest>()
    let spec = Cloudidl.Queue.QueueSpec(runConcurrency: 1, actionConcurrency: 1)
    try await withRecordingServer(register: { registry in
      registry.unary(descriptor(Service.GetQueue.method)) {
        (request: Cloudidl.Queue.GetQueueRequest, _) -> Cloudidl.Queue.GetQueueResponse in
        .init(queue: Self.proto("q", spec: spec, generation: 5))
      }
      registry.unary(descriptor(Service.UpdateQueueState.method)) {
        (request: Cloudidl.Queue.UpdateQueueStateRequest, _) -> Cloudidl.Queue.UpdateQueueStateResponse in
        changes.append(request)
        let state: Cloudidl.Queue.QueueState = request.state == .draining ? .drained : request.state
        return .init(queue: Self.proto("q", spec: spec, state: state, generation: max(request.expectedStateGeneration, 5) + 1))
      }
      registry.unary(descriptor(Service.DeleteQueue.method)) {
        (request: Cloudidl.Queue.DeleteQueueRequest, _) -> Cloudidl.Queue.DeleteQueueResponse in
        deletes.append(request)
        throw RPCError(code: .failedPrecondition, message: "queue \"q\" is ACTIVE: drain it first")
      }
    }) { client in
      let drained = try await Queue.drain("q", client: client)
      #expect(drained.state == .drained)
      #expect(drained.stateGeneration == 6)
      try await Queue.activate("q", expectedStateGeneration: 6, client: client)
      await #expect(throws: ClientError(code: .failedPrecondition, message: "queue \"q\" is ACTIVE: drain it first")) {
        try await Queue.delete("q", client: client)
      }
    }
    #expect(changes.all.map(\.state) == [.draining, .active])
    #expect(changes.all.map(\.expectedStateGeneration) == [0, 6])  // nil: no guard
    #expect(deletes.all.map(\.expectedStateGeneration) == [0])
  }

  @Test func listAllFollowsTokens() async throws {
    let lists = Recorded<Cloudidl.Queue.ListQueuesRequest>()
    let spec = Cloudidl.Queue.QueueSpec(runConcurrency: 1, actionConcurrency: 1)
    try await withRecordingServer(register: { registry in
      registry.unary(descriptor(Service.ListQueues.method)) {
        (request: Cloudidl.Queue.ListQueuesRequest, _) -> Cloudidl.Queue.ListQueuesResponse in
        lists.append(request)
        return request.request?.token == "2"
          ? .init(queues: [Self.proto("default", spec: spec)])
          : .init(queues: [Self.proto("a", spec: spec, managed: true)], token: "2")
      }
    }) { client in
      let queues = try await Queue.listAll(deleted: true, client: client).collect()
      #expect(queues.map(\.name) == ["a", "default"])
      #expect(queues.map(\.clusterManaged) == [true, false])
    }
    #expect(lists.all.map { $0.request?.token } == ["", "2"])
    #expect(lists.all.first?.request?.filters.first?.function == .exists)
    #expect(lists.all.first?.request?.filters.first?.field == "deleted_at")
  }

  @Test func priorityAndFairnessNamesParse() {
    #expect(QueuePriority(name: "MAX") == .max)
    #expect(QueuePriority(name: "priority_min") == .min)
    #expect(QueuePriority(name: " medium ") == .medium)
    #expect(QueuePriority(name: "high") == nil)
    #expect(QueueFairness(name: "round-robin") == .roundRobin)
    #expect(QueueFairness(name: "FAIRNESS_ALGORITHM_SHUFFLE_INTERLEAVE") == .shuffleInterleave)
    #expect(QueueFairness(name: "fifo") == nil)
  }
}
