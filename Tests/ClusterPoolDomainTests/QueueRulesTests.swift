import Testing

@testable import ClusterPoolDomain

/// QueueSpec validation, the create/update/restore rules and the list query, as pure functions.
@Suite struct QueueRulesTests {
  let org = try! Organization(validating: "acme")
  let alice = Identity.user(subject: "alice")
  let t0 = Timestamp(nanosecondsSinceEpoch: 1_000_000_000)
  let config = try! ClusterPoolConfig(objectStoreURI: "s3://b", secretStoreType: 1)

  func name(_ text: String) -> ResourceName { ResourceName(unchecked: text) }
  func pool(_ text: String, deleted: Bool = false) -> ClusterPool {
    ClusterPool(
      key: PoolKey(organization: org, name: name(text)), config: config, createdAt: t0, updatedAt: t0,
      deletedAt: deleted ? t0 : nil, createdBy: alice, updatedBy: alice)
  }
  func spec(pool: String = "prod", pins: [String] = [], priority: Int32 = 0, fairness: Int32 = 0, scheduling: Int32 = 0)
    throws(DomainError) -> QueueSpec
  {
    try QueueSpec(
      validating: 1, actionConcurrency: 2, depth: 3, priority: priority, fairness: fairness, scheduling: scheduling,
      poolName: name(pool), clusters: pins)
  }
  func queue(_ text: String, _ spec: QueueSpec, state: QueueState = .active, managed: Bool = false) -> Queue {
    Queue(
      key: QueueKey(organization: org, name: name(text)), spec: spec,
      lifecycle: QueueLifecycle(state: state, clusterManaged: managed), createdAt: t0, updatedAt: t0, createdBy: alice,
      updatedBy: alice)
  }
  func code(_ body: () throws -> Void) -> DomainError.Code? {
    do {
      try body()
      return nil
    } catch let error as DomainError {
      return error.code
    } catch {
      Issue.record("not a DomainError: \(error)")
      return nil
    }
  }

  @Test func specValidationAcceptsDefinedNumbersAndPinNames() throws {
    #expect(try spec(pins: ["b", "a"]).clusters.map(\.value) == ["a", "b"])
    #expect(try spec(pins: ["*"]).clusters == [])
    #expect(try spec(priority: 100, fairness: 2, scheduling: 1).priority == 100)
    #expect(code { _ = try spec(priority: 7) } == .invalidArgument)
    #expect(code { _ = try spec(fairness: 3) } == .invalidArgument)
    #expect(code { _ = try spec(scheduling: -1) } == .invalidArgument)
    #expect(code { _ = try spec(pins: ["a", "a"]) } == .invalidArgument)
    #expect(code { _ = try spec(pins: ["*", "a"]) } == .invalidArgument)
    #expect(code { _ = try spec(pins: ["A"]) } == .invalidArgument)
    #expect(code { _ = try spec(pins: (0...QueueSpec.maxPins).map { "c\($0)" }) } == .invalidArgument)
  }

  @Test func createNeedsAFreeNameALivePoolAndMemberPins() throws {
    let key = QueueKey(organization: org, name: name("gpu"))
    let members = [name("c1"), name("c2")]
    func create(_ spec: QueueSpec, _ occupant: QueueRules.Occupant = .none, pool: ClusterPool? = nil) -> DomainError.Code? {
      code { try QueueRules.checkCreate(key, spec, occupant: occupant, pool: pool ?? self.pool("prod"), liveMembers: members) }
    }
    #expect(create(try spec(pins: ["c1"])) == nil)
    #expect(create(try spec(), .liveCluster(pool: name("prod"))) == .alreadyExists)
    #expect(create(try spec(), .liveQueue) == .alreadyExists)
    #expect(create(try spec(), .deletedQueue) == .alreadyExists)
    #expect(create(try spec(pins: ["c3"])) == .failedPrecondition)
    #expect(create(try spec(), pool: pool("prod", deleted: true)) == .notFound)
    #expect(code { try QueueRules.checkCreate(key, try spec(), occupant: .none, pool: nil, liveMembers: []) } == .notFound)
    let fallback = QueueKey(organization: org, name: .defaultName)
    #expect(code { try QueueRules.checkCreate(fallback, try spec(), occupant: .none, pool: pool("prod"), liveMembers: []) } == .alreadyExists)
  }

  @Test func updateMovesPoolsOnlyWhileDrainedAndKeepsDefaultInDefault() throws {
    let prod = try spec()
    let staging = try spec(pool: "staging")
    func update(_ current: Queue, to spec: QueueSpec, members: [String] = []) -> DomainError.Code? {
      code { try QueueRules.checkUpdate(current, to: spec, pool: pool(spec.poolName.value), liveMembers: members.map(name)) }
    }
    #expect(update(queue("q", prod), to: try spec(pins: ["c1"]), members: ["c1"]) == nil)
    #expect(update(queue("q", prod), to: staging) == .failedPrecondition)
    #expect(update(queue("q", prod, state: .drained), to: staging) == nil)
    #expect(update(queue("q", prod, state: .drained), to: try spec(pool: "staging", pins: ["c1"])) == .failedPrecondition)
    #expect(update(queue("q", prod, state: .deleted), to: prod) == .notFound)
    #expect(update(queue("q", prod, managed: true), to: prod) == .failedPrecondition)
    let fallback = queue("default", try spec(pool: "default"), state: .drained)
    #expect(update(fallback, to: try spec(pool: "default")) == nil)
    #expect(update(fallback, to: staging) == .failedPrecondition)
    #expect(code { try QueueRules.checkUpdate(queue("q", prod), to: prod, pool: pool("prod", deleted: true), liveMembers: []) } == .notFound)
  }

  @Test func restoreNeedsALivePoolAndPinsStillMembers() throws {
    let pinned = queue("q", try spec(pins: ["c1"]), state: .deleted)
    #expect(code { try QueueRules.checkRestore(pinned, pool: pool("prod"), liveMembers: [name("c1")]) } == nil)
    #expect(code { try QueueRules.checkRestore(pinned, pool: pool("prod"), liveMembers: []) } == .failedPrecondition)
    #expect(code { try QueueRules.checkRestore(pinned, pool: pool("prod", deleted: true), liveMembers: []) } == .failedPrecondition)
    #expect(code { try QueueRules.checkRestore(pinned, pool: nil, liveMembers: []) } == .failedPrecondition)
    #expect(QueueRules.pinnedClusterDelete(name("c1"), pinnedBy: []) == nil)
    let blocked = QueueRules.pinnedClusterDelete(name("c1"), pinnedBy: [name("gpu")])
    #expect(blocked?.code == .failedPrecondition && blocked?.message.contains("\"gpu\"") == true)
  }

  @Test func listQueryFiltersOnPoolAndStateAndPagesByName() throws {
    let equal = ListFilter.Function.equal.rawValue
    let query = try QueueListQuery(
      organization: org, limit: 2, token: "",
      filters: [
        ListFilter(functionNumber: equal, field: "pool", values: ["prod"]),
        ListFilter(functionNumber: ListFilter.Function.valueIn.rawValue, field: "state", values: ["queue_state_active", "DRAINED"]),
      ])
    #expect(query.matches(name: "a", pool: "prod", state: "ACTIVE", live: true))
    #expect(!query.matches(name: "a", pool: "dev", state: "ACTIVE", live: true))
    #expect(!query.matches(name: "a", pool: "prod", state: "DRAINING", live: true))
    #expect(!query.matches(name: "a", pool: "prod", state: "ACTIVE", live: false))
    var names = NameIndex()
    for name in ["a", "b", "c", "d"] { names.move(name, from: nil, to: true) }
    let first = query.page(names, { $0.value }, name: { $0 }, matching: { $0 != "b" })
    #expect(first.items == ["a", "c"] && !first.nextToken.isEmpty)
    let next = try QueueListQuery(
      organization: org, limit: 2, token: first.nextToken,
      filters: [
        ListFilter(functionNumber: equal, field: "pool", values: ["prod"]),
        ListFilter(functionNumber: ListFilter.Function.valueIn.rawValue, field: "state", values: ["queue_state_active", "DRAINED"]),
      ])
    #expect(next.page(names, { $0.value }, name: { $0 }, matching: { $0 != "b" }).items == ["d"])
    #expect(code { _ = try QueueListQuery(organization: org, limit: 0, token: first.nextToken, filters: []) } == .invalidArgument)
    #expect(code { _ = try QueueListQuery(organization: org, limit: 0, token: "", filters: [ListFilter(functionNumber: equal, field: "state", values: ["NAPPING"])]) } == .invalidArgument)
    #expect(code { _ = try QueueListQuery(organization: org, limit: 0, token: "", filters: [ListFilter(functionNumber: ListFilter.Function.contains.rawValue, field: "pool", values: ["p"])]) } == .invalidArgument)
  }
}
