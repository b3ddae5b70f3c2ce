import ClusterPoolDomain
import Foundation
import Testing

@testable import ClusterPoolSQLite
@testable import ClusterPoolStore

func clusterKey(_ name: String, _ org: Organization = acme) -> ClusterKey {
  ClusterKey(organization: org, name: try! ResourceName(validating: name, kind: "cluster"))
}

func pool(_ name: String) -> ResourceName { try! ResourceName(validating: name) }

func code(_ body: () async throws -> Void) async -> DomainError.Code? {
  do {
    try await body()
    return nil
  } catch let error as DomainError {
    return error.code
  } catch {
    Issue.record("not a DomainError: \(error)")
    return nil
  }
}

@Suite struct ClusterStoreTests {
  @Test func registrationUpdatesMembershipWritesTheImplicitQueueAndSurvivesReopen() async throws {
    try await TemporaryDatabase.with { database, store in
      let prod = try await store.execute(.create(key("prod"), config(), sentMembers: []), by: alice)
      let cluster = try await store.registerCluster(clusterKey("prod-us-east-1"), into: pool("prod"), by: alice)
      #expect(cluster.lifecycle == .registered && cluster.createdBy == alice && cluster.isLive)
      #expect(store.cluster(clusterKey("prod-us-east-1")) == cluster)
      let after = try #require(store.pool(key("prod")))
      #expect(after.memberClusters.map(\.value) == ["prod-us-east-1"])
      #expect(after.revision > prod.revision && after.updatedAt == prod.updatedAt)
      await store.close()

      let raw = try SQLiteConnection(path: database.path)
      #expect(
        try raw.integer(
          "SELECT count(*) FROM queues WHERE name = 'prod-us-east-1' AND pool_name = 'prod' AND cluster_managed = 1 AND deleted_at_ns IS NULL")
          == 1)
      raw.close()
      let reopened = try database.open()
      #expect(reopened.cluster(clusterKey("prod-us-east-1")) == cluster)
      #expect(reopened.pool(key("prod"))?.memberClusters.map(\.value) == ["prod-us-east-1"])
      await reopened.close()
    }
  }

  @Test(arguments: StoreKind.allCases) func registrationRules(_ kind: StoreKind) async throws {
    try await kind.with { store in
      _ = try await store.execute(.create(key("prod"), config(), sentMembers: []), by: alice)
      _ = try await store.execute(.create(key("staging"), config(), sentMembers: []), by: alice)
      _ = try await store.registerCluster(clusterKey("c1"), into: pool("prod"), by: alice)
      #expect(await code { _ = try await store.registerCluster(clusterKey("c1"), into: pool("prod"), by: alice) } == .alreadyExists)
      #expect(await code { _ = try await store.registerCluster(clusterKey("c1"), into: pool("staging"), by: alice) } == .failedPrecondition)
      #expect(await code { _ = try await store.registerCluster(clusterKey("c2"), into: pool("nowhere"), by: alice) } == .notFound)
      _ = try await store.execute(.create(key("old"), config(), sentMembers: []), by: alice)
      _ = try await store.execute(.delete(key("old")), by: alice)
      #expect(await code { _ = try await store.registerCluster(clusterKey("c2"), into: pool("old"), by: alice) } == .notFound)
      // into an organization's default pool, materialized on first use
      let other = try Organization(validating: "globex")
      let intoDefault = try await store.registerCluster(clusterKey("edge", other), into: .defaultName, by: alice)
      #expect(store.pool(key("default", other))?.memberClusters == [intoDefault.key.name])
      #expect(store.cluster(clusterKey("c2")) == nil)
    }
  }

  @Test(arguments: StoreKind.allCases) func poolDeleteIsBlockedByALiveClusterAndItsQueue(_ kind: StoreKind) async throws {
    try await kind.with { store in
      _ = try await store.execute(.create(key("prod"), config(), sentMembers: []), by: alice)
      _ = try await store.registerCluster(clusterKey("prod-us-east-1"), into: pool("prod"), by: alice)
      do {
        _ = try await store.execute(.delete(key("prod")), by: alice)
        Issue.record("expected FAILED_PRECONDITION")
      } catch let error as DomainError {
        #expect(error.code == .failedPrecondition)
        #expect(error.message.contains("live cluster prod-us-east-1 and live queue prod-us-east-1"))
      }
    }
  }

  @Test func theSeedMoveSequence() async throws {
    try await TemporaryDatabase.with { database, store in
      _ = try await store.execute(.create(key("prod"), config(), sentMembers: []), by: alice)
      _ = try await store.execute(.create(key("staging"), config("gs://s", type: 2), sentMembers: []), by: alice)
      let name = clusterKey("prod-us-east-1")
      let registered = try await store.registerCluster(name, into: pool("prod"), by: alice)
      let drained = try await store.changeCluster(name, .drain(expectedGeneration: registered.lifecycle.generation), by: alice)
      #expect(drained.lifecycle.state == .drained)  // never reported: drained at once
      let deleted = try await store.changeCluster(name, .delete(expectedGeneration: drained.lifecycle.generation), by: alice)
      #expect(deleted.lifecycle.state == .deleted && deleted.deletedAt != nil)
      #expect(store.pool(key("prod"))?.memberClusters == [])
      #expect(await code { _ = try await store.changeCluster(name, .drain(expectedGeneration: nil), by: alice) } == .notFound)
      let moved = try await store.registerCluster(name, into: pool("staging"), by: alice)
      #expect(moved.poolName == pool("staging") && moved.lifecycle.state == .active && !moved.lifecycle.hasReported)
      #expect(moved.lifecycle.generation == deleted.lifecycle.generation + 1)
      #expect(store.pool(key("staging"))?.memberClusters == [name.name])
      _ = try await store.execute(.delete(key("prod")), by: alice)
      #expect(store.pool(key("prod"))?.isDeleted == true)
      await store.close()
      let raw = try SQLiteConnection(path: database.path)
      #expect(
        try raw.integer(
          "SELECT count(*) FROM queues WHERE name = 'prod-us-east-1' AND pool_name = 'staging' AND deleted_at_ns IS NULL") == 1)
      raw.close()
    }
  }

  @Test(arguments: StoreKind.allCases) func registrationsRacingAPoolDeleteNeverLeaveADeletedPoolWithALiveMember(_ kind: StoreKind) async throws {
    try await kind.with { store in
      _ = try await store.execute(.create(key("prod"), config(), sentMembers: []), by: alice)
      await withTaskGroup(of: Void.self) { group in
        for i in 0..<100 {
          group.addTask { _ = try? await store.registerCluster(clusterKey("c\(i)"), into: pool("prod"), by: alice) }
          if i == 10 { group.addTask { _ = try? await store.execute(.delete(key("prod")), by: alice) } }
        }
      }
      let live = store.clusters(in: acme)
      let prod = try #require(store.pool(key("prod")))
      if prod.isDeleted {
        #expect(live.isEmpty)
      } else {
        #expect(prod.memberClusters == live.map(\.key.name))
        #expect(live.allSatisfy { $0.poolName == pool("prod") })
      }
    }
  }

  @Test(arguments: StoreKind.allCases) func concurrentDrainsWithOneGenerationHaveOneWinner(_ kind: StoreKind) async throws {
    try await kind.with { store in
      _ = try await store.execute(.create(key("prod"), config(), sentMembers: []), by: alice)
      let name = clusterKey("c1")
      _ = try await store.registerCluster(name, into: pool("prod"), by: alice)
      let reported = try await store.changeCluster(name, .report(.busy), by: alice)
      let generation = reported.lifecycle.generation
      let outcomes = await withTaskGroup(of: DomainError.Code?.self) { group in
        for _ in 0..<50 {
          group.addTask { await code { _ = try await store.changeCluster(name, .drain(expectedGeneration: generation), by: alice) } }
        }
        return await group.reduce(into: [DomainError.Code?]()) { $0.append($1) }
      }
      #expect(outcomes.filter { $0 == nil }.count == 1)
      #expect(outcomes.filter { $0 == .aborted }.count == 49)
      #expect(store.cluster(name)?.lifecycle.state == .draining)
    }
  }
}
