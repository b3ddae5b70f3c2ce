import ClusterPoolProto
import Foundation
import RPCCore
import Testing

@testable import ClusterPoolServer

/// The cluster rules of rules.md through the real server, each with its exact status code.
@Suite struct ClusterServiceTests {
  @Test func seedRegistrationIntoAPoolAndItsMembership() async throws {
    try await withClusterServer { pools, clusters, server in
      #expect(server.app.health.status(of: ClusterService.serviceName) == .serving)
      try await pools.create("prod")
      let before = try await pools.get("prod")
      try await clusters.create("prod-us-east-1", pool: "prod")
      let cluster = try await clusters.get("prod-us-east-1")
      #expect(cluster.spec?.id == ClusterID(organization: "acme", name: "prod-us-east-1"))
      #expect(cluster.pool == PoolID(organization: "acme", name: "prod"))
      #expect(cluster.drainStatus?.overallState == .active && cluster.drainStatus?.generation == 1)
      #expect(cluster.queues.map(\.name) == ["prod-us-east-1"])
      guard case .user(let user)? = cluster.authorship?.createdBy?.principal else {
        Issue.record("authorship missing")
        return
      }
      #expect(user.id?.subject == "tester")
      // pool reads see the new member (the cached encoding was rebuilt)
      #expect(before.memberClusters.isEmpty)
      #expect(try await pools.get("prod").memberClusters.map(\.name) == ["prod-us-east-1"])
      // empty pool name means default
      try await clusters.create("edge-1")
      #expect(try await clusters.get("edge-1").pool?.name == "default")
      #expect(try await pools.get("default").memberClusters.map(\.name) == ["edge-1"])
    }
  }

  @Test func registrationRulesWithStatusCodes() async throws {
    try await withClusterServer { pools, clusters, _ in
      try await pools.create("prod")
      try await pools.create("staging")
      try await clusters.create("c1", pool: "prod")
      let again = await clusters.code { try await clusters.create("c1", pool: "prod") }
      #expect(again?.0 == .alreadyExists)
      let moved = await clusters.code { try await clusters.create("c1", pool: "staging") }
      #expect(moved?.0 == .failedPrecondition)
      #expect(moved?.1.contains("drain") == true && moved?.1.contains("delete") == true)
      let update = await clusters.code { try await clusters.move("c1", to: "staging") }
      #expect(update?.0 == .failedPrecondition)
      let same = await clusters.code { try await clusters.move("c1", to: "prod") }
      #expect(same?.0 == .alreadyExists && same?.1.contains("already registered into cluster pool \"prod\"") == true)
      #expect(await clusters.code { try await clusters.create("default", pool: "prod") }?.0 == .invalidArgument)
      #expect(await clusters.code { try await clusters.create("Bad_Name", pool: "prod") }?.0 == .invalidArgument)
      #expect(await clusters.code { try await clusters.create("c2", pool: "Bad_Pool") }?.0 == .invalidArgument)
      #expect(await clusters.code { try await clusters.create("c2", pool: "missing") }?.0 == .notFound)
      try await pools.create("old")
      try await pools.delete("old")
      #expect(await clusters.code { try await clusters.create("c2", pool: "old") }?.0 == .notFound)
      #expect(await clusters.code { _ = try await clusters.get("nope") }?.0 == .notFound)
      #expect(await clusters.code { _ = try await clusters.get("") }?.0 == .invalidArgument)
      #expect(await clusters.code { try await clusters.move("nope", to: "prod") }?.0 == .notFound)
    }
  }

  @Test func lifecycleAndGenerationGuards() async throws {
    try await withClusterServer { pools, clusters, _ in
      try await pools.create("prod")
      try await clusters.create("c1", pool: "prod")
      // never reported: a drain completes at once
      let drained = try await clusters.setState("c1", .draining, expected: 1)
      #expect(drained.drainStatus?.overallState == .drained && drained.drainStatus?.generation == 2)
      #expect(await clusters.code { _ = try await clusters.setState("c1", .active, expected: 1) }?.0 == .aborted)
      let active = try await clusters.setState("c1", .active, expected: 2)
      #expect(active.drainStatus?.overallState == .active && active.drainStatus?.generation == 3)
      #expect(await clusters.code { _ = try await clusters.setState("c1", .deleted) }?.0 == .invalidArgument)
      #expect(await clusters.code { _ = try await clusters.delete("c1", expected: 2) }?.0 == .aborted)
      let deleted = try await clusters.delete("c1", expected: 3)
      #expect(deleted.drainStatus?.overallState == .deleted && deleted.deletedAt != nil)
      #expect(await clusters.code { _ = try await clusters.get("c1") }?.0 == .notFound)
      #expect(try await clusters.get("c1", includeDeleted: true).drainStatus?.overallState == .deleted)
      #expect(await clusters.code { _ = try await clusters.setState("c1", .draining) }?.0 == .notFound)
      #expect(await clusters.code { _ = try await clusters.delete("c1") }?.0 == .notFound)
      let restored = try await clusters.undelete("c1")
      #expect(restored.drainStatus?.overallState == .drained && restored.deletedAt == nil)
      #expect(try await pools.get("prod").memberClusters.map(\.name) == ["c1"])
      #expect(await clusters.code { _ = try await clusters.undelete("c1") }?.0 == .notFound)
    }
  }

  @Test func theSeedMoveSequenceAndPoolDeleteGuard() async throws {
    try await withClusterServer { pools, clusters, _ in
      try await pools.create("prod")
      try await pools.create("staging")
      try await clusters.create("prod-us-east-1", pool: "prod")
      let blocked = await pools.code { try await $0.delete("prod") }
      #expect(blocked?.0 == .failedPrecondition)
      #expect(blocked?.1.contains("live cluster prod-us-east-1") == true)
      let drained = try await clusters.setState("prod-us-east-1", .draining)
      _ = try await clusters.delete("prod-us-east-1", expected: drained.drainStatus?.generation ?? 0)
      #expect(try await pools.get("prod").memberClusters.isEmpty)
      try await clusters.create("prod-us-east-1", pool: "staging")
      #expect(try await clusters.get("prod-us-east-1").pool?.name == "staging")
      #expect(try await pools.get("staging").memberClusters.map(\.name) == ["prod-us-east-1"])
      try await pools.delete("prod")
      #expect(await pools.code { _ = try await $0.get("prod") }?.0 == .notFound)
    }
  }

  @Test func registeringADeletedNameReplacesTheDeletedCluster() async throws {
    try await withClusterServer { pools, clusters, _ in
      try await pools.create("prod", uri: "s3://b")
      try await pools.create("staging")
      try await clusters.create("c1", pool: "prod")
      let deleted = try await clusters.delete("c1")  // never reported: DELETED at once
      try await clusters.create("c1", pool: "staging")
      let fresh = try await clusters.get("c1")
      #expect(fresh.pool?.name == "staging" && fresh.deletedAt == nil && fresh.drainStatus?.overallState == .active)
      // a new registration; the generation carries on past the old one
      #expect(fresh.status?.health == .unknown && fresh.status?.unhealthyReasons == [])
      #expect(fresh.drainStatus?.generation == (deleted.drainStatus?.generation ?? 0) + 1)
      // the deleted cluster is gone: include_deleted reads the live one, nothing to undelete
      #expect(try await clusters.get("c1", includeDeleted: true) == fresh)
      let undelete = await clusters.code { _ = try await clusters.undelete("c1") }
      #expect(undelete?.0 == .notFound && undelete?.1.contains("no deleted cluster \"c1\"") == true)
      let deletedOnes = try await clusters.list(filters: [.init(function: .exists, field: "deleted_at")])
      #expect(deletedOnes.clusters.isEmpty)
      #expect(try await pools.get("prod").memberClusters.isEmpty)
      #expect(try await pools.get("staging").memberClusters.map(\.name) == ["c1"])
      // a stale guard from the old registration does not match the new one
      let stale = await clusters.code { _ = try await clusters.setState("c1", .draining, expected: deleted.drainStatus?.generation ?? 0) }
      #expect(stale?.0 == .aborted)
    }
  }

  @Test func undeletingIntoADeletedPoolSaysWhatToDo() async throws {
    try await withClusterServer { pools, clusters, _ in
      try await pools.create("old")
      try await clusters.create("c1", pool: "old")
      _ = try await clusters.delete("c1")
      try await pools.delete("old")
      let refused = await clusters.code { _ = try await clusters.undelete("c1") }
      #expect(refused?.0 == .failedPrecondition)
      #expect(refused?.1.contains("flyte undelete cluster-pool old") == true)
      _ = try await pools.undelete("old")
      #expect(try await clusters.undelete("c1").pool?.name == "old")
    }
  }

  @Test func fiftyConcurrentDrainsWithOneGenerationHaveOneWinner() async throws {
    try await withClusterServer { pools, clusters, _ in
      try await pools.create("prod")
      try await clusters.create("c1", pool: "prod")
      let codes = await withTaskGroup(of: RPCStatusCode?.self) { group in
        for _ in 0..<50 {
          group.addTask { await clusters.code { _ = try await clusters.setState("c1", .draining, expected: 1) }?.0 }
        }
        return await group.reduce(into: [RPCStatusCode?]()) { $0.append($1) }
      }
      #expect(codes.filter { $0 == nil }.count == 1)
      #expect(codes.filter { $0 == .aborted }.count == 49)
    }
  }
}
