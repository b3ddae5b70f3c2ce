import Testing

@testable import ClusterPoolDomain

@Suite struct ClusterRegistrationTests {
  let org = try! Organization(validating: "acme")
  let alice = Identity.user(subject: "alice")
  let t0 = Timestamp(nanosecondsSinceEpoch: 1_000_000_000)
  let config = try! ClusterPoolConfig(objectStoreURI: "s3://b", secretStoreType: 1)

  func key(_ name: String) -> PoolKey { PoolKey(organization: org, name: ResourceName(unchecked: name)) }
  func pool(_ name: String, deleted: Bool = false) -> ClusterPool {
    ClusterPool(
      key: key(name), config: config, createdAt: t0, updatedAt: t0, deletedAt: deleted ? t0 : nil, createdBy: alice,
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
  let cluster = ResourceName(unchecked: "prod-us-east-1")

  @Test func namesFollowTheRulesAndDefaultIsReserved() throws {
    #expect(try ClusterRegistration.name("prod-us-east-1").value == "prod-us-east-1")
    for bad in ["default", "", "Prod", "-a", "a-", "a_b", String(repeating: "a", count: 64)] {
      #expect(code { _ = try ClusterRegistration.name(bad) } == .invalidArgument, "\(bad)")
    }
  }

  @Test func freeNameIntoLivePoolIsAccepted() {
    #expect(code { try ClusterRegistration.check(cluster, into: key("prod"), pool: pool("prod"), occupant: .none) } == nil)
  }

  @Test func missingOrDeletedPoolIsNotFound() {
    #expect(code { try ClusterRegistration.check(cluster, into: key("prod"), pool: nil, occupant: .none) } == .notFound)
    #expect(
      code { try ClusterRegistration.check(cluster, into: key("prod"), pool: pool("prod", deleted: true), occupant: .none) }
        == .notFound)
  }

  @Test func samePoolAgainIsAlreadyExists() {
    let occupant = ClusterRegistration.Occupant.cluster(pool: ResourceName(unchecked: "prod"))
    #expect(code { try ClusterRegistration.check(cluster, into: key("prod"), pool: pool("prod"), occupant: occupant) } == .alreadyExists)
  }

  @Test func aQueueOfThatNameLiveOrDeletedIsAlreadyExists() {
    for occupant in [ClusterRegistration.Occupant.queue, .deletedQueue] {
      #expect(code { try ClusterRegistration.check(cluster, into: key("prod"), pool: pool("prod"), occupant: occupant) } == .alreadyExists)
    }
  }

  @Test func anotherPoolIsAMoveAndTellsHowToMove() {
    let occupant = ClusterRegistration.Occupant.cluster(pool: ResourceName(unchecked: "prod"))
    do {
      try ClusterRegistration.check(cluster, into: key("staging"), pool: pool("staging"), occupant: occupant)
      Issue.record("a move in place must be rejected")
    } catch {
      #expect(error.code == .failedPrecondition)
      #expect(error.message.contains("drain") && error.message.contains("delete") && error.message.contains("--pool staging"))
    }
  }

  @Test func undeleteNeedsItsLivePoolAndItsName() {
    #expect(code { try ClusterRegistration.checkUndelete(cluster, into: key("prod"), pool: pool("prod"), queueHoldsName: false) } == nil)
    #expect(
      code { try ClusterRegistration.checkUndelete(cluster, into: key("prod"), pool: pool("prod"), queueHoldsName: true) }
        == .alreadyExists)
    do {
      try ClusterRegistration.checkUndelete(cluster, into: key("prod"), pool: pool("prod", deleted: true), queueHoldsName: false)
      Issue.record("undelete into a deleted pool must be rejected")
    } catch {
      #expect(error.code == .failedPrecondition)
      #expect(
        error.message
          == "cluster \"prod-us-east-1\" cannot be undeleted: its cluster pool \"prod\" is deleted (undelete it first: "
          + "flyte undelete cluster-pool prod); or register the cluster into another pool (flyte create cluster prod-us-east-1 --pool POOL)")
    }
    #expect(code { try ClusterRegistration.checkUndelete(cluster, into: key("prod"), pool: nil, queueHoldsName: false) } == .failedPrecondition)
  }

  @Test func aQueueOfThatNameTakesTheName() {
    #expect(code { try ClusterRegistration.check(cluster, into: key("prod"), pool: pool("prod"), occupant: .queue) } == .alreadyExists)
  }
}

@Suite struct DataPlaneDriftTests {
  let config = try! ClusterPoolConfig(
    objectStoreURI: "s3://b", objectStoreEndpoint: "https://s3.local", secretStoreType: 1, secretStoreLocator: "us-east-1",
    imageRegistry: "ghcr.io/acme")
  let prod = ResourceName(unchecked: "prod")

  @Test func matchingReportHasNoReasons() {
    let same = ReportedDataPlane(
      objectStoreURI: "s3://b", objectStoreEndpoint: "https://s3.local", secretStoreType: 1, secretStoreLocator: "us-east-1",
      imageRegistry: "ghcr.io/acme")
    #expect(DataPlaneDrift.reasons(same, pool: config, poolName: prod).isEmpty)
  }

  @Test func oneReasonPerDifferingItem() {
    let drifted = ReportedDataPlane(
      objectStoreURI: "s3://a", objectStoreEndpoint: "https://s3.local", secretStoreType: 4, secretStoreLocator: "us-east-1",
      imageRegistry: "")
    #expect(
      DataPlaneDrift.reasons(drifted, pool: config, poolName: prod) == [
        "object store s3://a endpoint https://s3.local differs from pool prod's s3://b endpoint https://s3.local",
        "secret store KUBERNETES us-east-1 differs from pool prod's AWS_SECRETS_MANAGER us-east-1",
        "image registry (none) differs from pool prod's ghcr.io/acme",
      ])
  }

  /// The issue's case: another object store, secret store type and locator, and registry are
  /// three reasons (one per item of the data-plane contract), not four or five.
  @Test func secretStoreTypeAndLocatorAreOneItem() throws {
    let pool = try ClusterPoolConfig(objectStoreURI: "s3://prod-bucket", secretStoreType: 1, secretStoreLocator: "us-east-1")
    let drifted = ReportedDataPlane(
      objectStoreURI: "s3://other", secretStoreType: 3, secretStoreLocator: "vault-x", imageRegistry: "ghcr.io/other")
    #expect(
      DataPlaneDrift.reasons(drifted, pool: pool, poolName: prod) == [
        "object store s3://other differs from pool prod's s3://prod-bucket",
        "secret store AZURE_KEY_VAULT vault-x differs from pool prod's AWS_SECRETS_MANAGER us-east-1",
        "image registry ghcr.io/other differs from pool prod's (none)",
      ])
    let unknown = ReportedDataPlane(objectStoreURI: "s3://prod-bucket", secretStoreType: 0, secretStoreLocator: "us-east-1")
    #expect(
      DataPlaneDrift.reasons(unknown, pool: pool, poolName: prod) == [
        "secret store (unknown type 0) us-east-1 differs from pool prod's AWS_SECRETS_MANAGER us-east-1"
      ])
  }

  /// Every combination of changed fields: one reason per item touched, in item order, each
  /// naming the item.
  @Test func everyCombinationOfChangedFields() {
    let fields = ["uri", "endpoint", "type", "locator", "registry"]
    for mask in 0..<(1 << fields.count) {
      let changed = Set(fields.indices.filter { mask & (1 << $0) != 0 }.map { fields[$0] })
      let reported = ReportedDataPlane(
        objectStoreURI: changed.contains("uri") ? "s3://a" : "s3://b",
        objectStoreEndpoint: changed.contains("endpoint") ? "" : "https://s3.local",
        secretStoreType: changed.contains("type") ? 5 : 1, secretStoreLocator: changed.contains("locator") ? "eu-west-1" : "us-east-1",
        imageRegistry: changed.contains("registry") ? "ghcr.io/other" : "ghcr.io/acme")
      var items: [String] = []
      if !changed.isDisjoint(with: ["uri", "endpoint"]) { items.append("object store ") }
      if !changed.isDisjoint(with: ["type", "locator"]) { items.append("secret store ") }
      if changed.contains("registry") { items.append("image registry ") }
      let reasons = DataPlaneDrift.reasons(reported, pool: config, poolName: prod)
      #expect(reasons.count == items.count, "changed \(changed.sorted()): \(reasons)")
      for (reason, item) in zip(reasons, items) {
        #expect(reason.hasPrefix(item) && reason.contains(" differs from pool prod's "), "\(reason)")
      }
    }
  }
}
