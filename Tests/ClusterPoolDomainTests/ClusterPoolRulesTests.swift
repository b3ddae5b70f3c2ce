import Testing

@testable import ClusterPoolDomain

@Suite struct ClusterPoolRulesTests {
  let org = try! Organization(validating: "acme")
  let alice = Identity.user(subject: "alice")
  let bob = Identity.application(subject: "ci-bot")
  let t0 = Timestamp(nanosecondsSinceEpoch: 1_000_000_000_123)
  let t1 = Timestamp(nanosecondsSinceEpoch: 2_000_000_000_456)
  let config = try! ClusterPoolConfig(objectStoreURI: "s3://a", secretStoreType: 1)
  let other = try! ClusterPoolConfig(objectStoreURI: "gs://b", secretStoreType: 4, imageRegistry: "ghcr.io/x")

  func key(_ name: String) -> PoolKey { PoolKey(organization: org, name: try! ResourceName(validating: name)) }
  func names(_ list: String...) -> [ResourceName] { list.map { try! ResourceName(validating: $0) } }

  func failure(
    _ command: PoolCommand, existing: ClusterPool?, references: PoolReferences = .none
  ) -> DomainError? {
    do {
      _ = try ClusterPoolRules.apply(command, existing: existing, references: references, by: bob, at: t1)
      return nil
    } catch { return error }
  }

  func created(_ name: String = "prod") throws -> ClusterPool {
    try ClusterPoolRules.apply(.create(key(name), config, sentMembers: []), existing: nil, references: .none, by: alice, at: t0)
  }

  @Test func createRecordsAuthorshipAndTime() throws {
    let pool = try created()
    #expect(pool.createdBy == alice && pool.updatedBy == alice)
    #expect(pool.createdAt == t0 && pool.updatedAt == t0 && pool.deletedAt == nil)
    #expect(pool.config == config && pool.memberClusters.isEmpty)
  }

  @Test func createOfExistingNameIsAlreadyExists() throws {
    let live = try created()
    let error = failure(.create(key("prod"), config, sentMembers: []), existing: live)
    #expect(error?.code == .alreadyExists)
    #expect(error?.message.contains("already exists") == true)
    var deleted = live
    deleted.deletedAt = t0
    let deletedError = failure(.create(key("prod"), config, sentMembers: []), existing: deleted)
    #expect(deletedError?.code == .alreadyExists)
    #expect(deletedError?.message.contains("undelete") == true)
  }

  @Test func createWithMembershipIsInvalid() {
    let error = failure(.create(key("prod"), config, sentMembers: ["c1"]), existing: nil)
    #expect(error?.code == .invalidArgument)
    #expect(error?.message.contains("membership is set by registering clusters") == true)
  }

  @Test func getRules() throws {
    let live = try created()
    #expect(try ClusterPoolRules.get(live, key("prod")) == live)
    #expect(throws: DomainError(.notFound, "cluster pool \"prod\" does not exist in organization \"acme\": list pools with flyte get cluster-pool")) {
      try ClusterPoolRules.get(nil, key("prod"))
    }
    var deleted = live
    deleted.deletedAt = t0
    do { _ = try ClusterPoolRules.get(deleted, key("prod")) } catch { #expect(error.code == .notFound) }
  }

  @Test func updateReplacesConfigOfLivePoolOnly() throws {
    let live = try created()
    let updated = try ClusterPoolRules.apply(.update(key("prod"), other, sentMembers: []), existing: live, references: .none, by: bob, at: t1)
    #expect(updated.config == other && updated.updatedBy == bob && updated.createdBy == alice && updated.updatedAt == t1)
    #expect(failure(.update(key("prod"), other, sentMembers: []), existing: nil)?.code == .notFound)
    var deleted = live
    deleted.deletedAt = t0
    #expect(failure(.update(key("prod"), other, sentMembers: []), existing: deleted)?.code == .notFound)
  }

  @Test func updateMembershipMustMatchCurrent() throws {
    let live = try created()
    let refs = PoolReferences(liveClusters: names("c2", "c1"))
    let same = try ClusterPoolRules.apply(.update(key("prod"), other, sentMembers: ["c1", "c2"]), existing: live, references: refs, by: bob, at: t1)
    #expect(same.memberClusters == names("c1", "c2"))
    let error = failure(.update(key("prod"), other, sentMembers: ["c1"]), existing: live, references: refs)
    #expect(error?.code == .invalidArgument)
    #expect(error?.message.contains("current members: c1, c2") == true)
  }

  @Test func deleteIsSoftAndGuarded() throws {
    let live = try created()
    let deleted = try ClusterPoolRules.apply(.delete(key("prod")), existing: live, references: .none, by: bob, at: t1)
    #expect(deleted.deletedAt == t1 && deleted.config == config && deleted.updatedBy == bob)
    #expect(failure(.delete(key("prod")), existing: deleted)?.code == .notFound)
    #expect(failure(.delete(key("prod")), existing: nil)?.code == .notFound)
    let def = DefaultPoolTemplate(config: config, createdBy: alice, createdAt: t0).pool(for: org)
    let defaultError = failure(.delete(key("default")), existing: def)
    #expect(defaultError?.code == .failedPrecondition)
    #expect(defaultError?.message.contains("default cluster pool cannot be deleted") == true)
  }

  @Test func deleteNamesReferencingClustersAndQueues() throws {
    let live = try created()
    let refs = PoolReferences(liveClusters: names("prod-us-east-1"), liveQueues: names("prod-us-east-1", "batch"))
    let error = failure(.delete(key("prod")), existing: live, references: refs)
    #expect(error?.code == .failedPrecondition)
    #expect(error?.message == "cluster pool \"prod\" is still used by live cluster prod-us-east-1 and live queues batch, prod-us-east-1: drain and delete those clusters and delete those queues first, then delete the pool")
    let many = PoolReferences(liveQueues: (0..<12).map { try! ResourceName(validating: "q\($0 + 10)") })
    #expect(failure(.delete(key("prod")), existing: live, references: many)?.message.contains("and 2 more") == true)
  }

  @Test func undeleteRestoresConfig() throws {
    let live = try created()
    let deleted = try ClusterPoolRules.apply(.delete(key("prod")), existing: live, references: .none, by: bob, at: t1)
    let restored = try ClusterPoolRules.apply(.undelete(key("prod")), existing: deleted, references: .none, by: alice, at: t1)
    #expect(restored.deletedAt == nil && restored.config == config && restored.updatedBy == alice)
    #expect(failure(.undelete(key("prod")), existing: live)?.code == .notFound)
    #expect(failure(.undelete(key("nope")), existing: nil)?.code == .notFound)
  }

  @Test func timestampSplitsSecondsAndNanos() {
    #expect(t0.seconds == 1000 && t0.nanos == 123)
    let negative = Timestamp(nanosecondsSinceEpoch: -1)
    #expect(negative.seconds == -1 && negative.nanos == 999_999_999)
  }

  @Test func identityStorageFormRoundTrips() {
    for identity in [alice, bob, Identity.user(subject: "a:b")] {
      #expect(Identity(storageForm: identity.storageForm) == identity)
    }
    #expect(Identity(storageForm: "x") == nil)
  }
}
