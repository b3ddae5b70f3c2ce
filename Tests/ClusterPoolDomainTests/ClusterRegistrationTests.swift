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
        "object store s3://a differs from pool prod's s3://b",
        "secret store KUBERNETES differs from pool prod's AWS_SECRETS_MANAGER",
        "image registry (none) differs from pool prod's ghcr.io/acme",
      ])
  }
}
