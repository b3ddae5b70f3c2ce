import ClusterPoolProto
import Foundation
import RPCCore
import Testing

@testable import ClusterPoolServer

/// The queue rules of rules.md through the real server, each with its exact status code.
@Suite struct QueueServiceTests {
  @Test func everyOrganizationHasADefaultQueueInTheDefaultPool() async throws {
    try await withQueueServer { _, clusters, queues, app in
      #expect(app.health.status(of: QueueService.serviceName) == .serving)
      let initial = try await queues.get("default")
      #expect(initial.id == QueueID(organization: "acme", name: "default"))
      #expect(initial.spec?.clusterPoolName == "default" && initial.spec?.clusters == [])
      #expect(initial.state == .active && initial.generation == 1 && initial.status?.clusterManaged == false)
      #expect(initial.available == [])
      #expect(try await queues.get("default", org: "other").id?.organization == "other")
      try await clusters.create("edge-1")
      let unwritten = try await queues.get("default")
      #expect(unwritten.available == ["edge-1"])
      #expect(try await queues.list().queues.map(\.id?.name) == ["default", "edge-1"])

      let taken = await queues.code { try await queues.create("default") }
      #expect(taken?.0 == .alreadyExists)
      // its limits can change; it stays in the default pool
      let tuned = try await queues.update("default", QueueServiceClient.spec(run: 3, actions: 4, pool: "default"))
      // written on its first change, created when its pool was
      #expect(tuned.spec?.runConcurrency == 3 && tuned.createdAt == unwritten.createdAt && tuned.updatedAt != unwritten.updatedAt)
      // it never leaves the default pool: active (not "drain it first") or drained alike
      let movedActive = await queues.code { try await queues.update("default", QueueServiceClient.spec(pool: "edge")) }
      #expect(movedActive?.0 == .failedPrecondition && movedActive?.1.contains("stays in cluster pool \"default\"") == true)
      #expect(try await queues.setState("default", .draining).state == .drained)
      let moved = await queues.code { try await queues.update("default", QueueServiceClient.spec(pool: "edge")) }
      #expect(moved?.0 == .failedPrecondition && moved?.1.contains("stays in cluster pool \"default\"") == true)
      // drained, it still cannot be deleted (issue 9.9), with or without a matching guard
      let drained = try await queues.get("default")
      let deleted = await queues.code { try await queues.delete("default") }
      #expect(deleted?.0 == .failedPrecondition && deleted?.1.contains("queue \"default\" cannot be deleted") == true)
      let guarded = await queues.code { try await queues.delete("default", expected: drained.generation) }
      #expect(guarded?.0 == .failedPrecondition)
      let kept = try await queues.get("default")
      #expect(kept.state == .drained && kept.generation == drained.generation && kept.spec?.clusterPoolName == "default")
      #expect(try await queues.setState("default", .active).generation == 3)
      // its spec still changes, and it still drains and activates
      #expect(try await queues.update("default", QueueServiceClient.spec(run: 5, actions: 6, pool: "default")).spec?.runConcurrency == 5)
      #expect(try await queues.setState("default", .draining).generation == 4)
      #expect(try await queues.setState("default", .active).state == .active)
      let undelete = await queues.code { try await queues.undelete("default") }
      #expect(undelete?.0 == .notFound)
    }
  }

  @Test func createRulesWithStatusCodes() async throws {
    try await withQueueServer { pools, clusters, queues, _ in
      try await pools.create("prod")
      try await pools.create("staging")
      try await clusters.create("c1", pool: "prod")
      try await clusters.create("s1", pool: "staging")
      typealias Q = QueueServiceClient
      let created = try await queues.create(
        "gpu", Q.spec(run: 2, actions: 3, pool: "prod", pins: ["c1"], depth: 10, priority: .max, fairness: .roundRobin))
      #expect(created.spec?.runConcurrency == 2 && created.spec?.actionConcurrency == 3 && created.spec?.depth == 10)
      #expect(created.spec?.priority == .max && created.spec?.fairness == .roundRobin && created.spec?.clusters == ["c1"])
      #expect(created.state == .active && created.generation == 1 && created.available == ["c1"])
      guard case .user(let user)? = created.authorship?.createdBy?.principal else {
        Issue.record("authorship missing")
        return
      }
      #expect(user.id?.subject == "tester")
      #expect(try await queues.create("plain").spec?.clusterPoolName == "default")
      #expect(try await queues.create("wild", Q.spec(pool: "prod", pins: ["*"])).spec?.clusters == [])

      func code(_ name: String, _ spec: Cloudidl.Queue.QueueSpec = Q.spec(pool: "prod")) async -> RPCStatusCode? {
        await queues.code { try await queues.create(name, spec) }?.0
      }
      #expect(await code("q", Q.spec(pool: "missing")) == .notFound)
      try await pools.create("old")
      try await pools.delete("old")
      #expect(await code("q", Q.spec(pool: "old")) == .notFound)
      #expect(await code("q", Q.spec(pool: "prod", pins: ["s1"])) == .failedPrecondition)
      #expect(await code("q", Q.spec(pool: "prod", pins: ["nope"])) == .failedPrecondition)
      #expect(await code("q", Q.spec(pool: "prod", pins: ["c1", "c1"])) == .invalidArgument)
      #expect(await code("q", Q.spec(pool: "prod", pins: ["*", "c1"])) == .invalidArgument)
      #expect(await code("q", Q.spec(pool: "prod", pins: ["Bad_Name"])) == .invalidArgument)
      #expect(await code("c1") == .alreadyExists)
      #expect(await code("gpu") == .alreadyExists)
      #expect(await code("Bad_Name") == .invalidArgument)
      #expect(await code("") == .invalidArgument)
      #expect(await code("q", Q.spec(pool: "Bad_Pool")) == .invalidArgument)
      var unknownPriority = Q.spec(pool: "prod")
      unknownPriority.priority = .unrecognized(7)
      #expect(await code("q", unknownPriority) == .invalidArgument)
      var unknownFairness = Q.spec(pool: "prod")
      unknownFairness.fairness = .unrecognized(9)
      #expect(await code("q", unknownFairness) == .invalidArgument)
      let noSpec = await queues.code {
        let _: Cloudidl.Queue.CreateQueueResponse = try await queues.call(
          "CreateQueue", Cloudidl.Queue.CreateQueueRequest(id: QueueID(name: "q")))
      }
      #expect(noSpec?.0 == .invalidArgument)
      let scoped = await queues.code {
        let _: Cloudidl.Queue.CreateQueueResponse = try await queues.call(
          "CreateQueue", Cloudidl.Queue.CreateQueueRequest(id: QueueID(project: "p", name: "q"), spec: Q.spec()))
      }
      #expect(scoped?.0 == .invalidArgument)
      let deletedState = await queues.code {
        let _: Cloudidl.Queue.CreateQueueResponse = try await queues.call(
          "CreateQueue", Cloudidl.Queue.CreateQueueRequest(id: QueueID(name: "q"), spec: Q.spec(), state: .deleted))
      }
      #expect(deletedState?.0 == .invalidArgument)
      // a deleted queue keeps its name until it is undeleted
      try await queues.setState("plain", .draining)
      try await queues.delete("plain")
      let reused = await queues.code { try await queues.create("plain") }
      #expect(reused?.0 == .alreadyExists && reused?.1.contains("undelete") == true)
      #expect(await queues.code { _ = try await queues.get("nope") }?.0 == .notFound)
      #expect(await queues.code { _ = try await queues.get("") }?.0 == .invalidArgument)
    }
  }

  @Test func lifecycleDrainCompletesAtOnceAndDeleteNeedsDrained() async throws {
    try await withQueueServer { pools, _, queues, _ in
      try await pools.create("prod")
      let created = try await queues.create("q", QueueServiceClient.spec(pool: "prod"))
      #expect(created.state == .active && created.generation == 1 && created.deletedAt == nil)
      let busy = await queues.code { try await queues.delete("q") }
      #expect(busy?.0 == .failedPrecondition && busy?.1.contains("drain it first") == true)
      let drained = try await queues.setState("q", .draining, expected: 1)
      #expect(drained.state == .drained && drained.generation == 2)
      #expect(try await queues.setState("q", .draining).generation == 2)
      #expect(await queues.code { try await queues.setState("q", .active, expected: 1) }?.0 == .aborted)
      #expect(await queues.code { try await queues.delete("q", expected: 1) }?.0 == .aborted)
      #expect(await queues.code { try await queues.setState("q", .deleted) }?.0 == .invalidArgument)
      let deleted = try await queues.delete("q", expected: 2)
      #expect(deleted.state == .deleted && deleted.generation == 3 && deleted.deletedAt != nil && deleted.available == [])
      let seen = try await queues.get("q")
      #expect(seen.state == .deleted && seen.deletedAt != nil)
      #expect(try await queues.list().queues.map(\.id?.name) == ["default"])
      let deletedOnly = [Cloudidl.Common.Filter(function: .exists, field: "deleted_at")]
      #expect(try await queues.list(filters: deletedOnly).queues.map(\.id?.name) == ["q"])
      #expect(await queues.code { try await queues.setState("q", .draining) }?.0 == .notFound)
      #expect(await queues.code { try await queues.delete("q") }?.0 == .notFound)
      #expect(await queues.code { try await queues.update("q", QueueServiceClient.spec(pool: "prod")) }?.0 == .notFound)
      let undeleted = try await queues.undelete("q")
      #expect(undeleted.state == .drained && undeleted.generation == 4 && undeleted.deletedAt == nil)
      #expect(await queues.code { try await queues.undelete("q") }?.0 == .notFound)
      #expect(try await queues.setState("q", .active).generation == 5)
      for call in ["drain", "delete", "undelete", "update"] {
        let missing = await queues.code {
          switch call {
          case "drain": try await queues.setState("nope", .draining)
          case "delete": try await queues.delete("nope")
          case "undelete": try await queues.undelete("nope")
          default: try await queues.update("nope", QueueServiceClient.spec(pool: "prod"))
          }
        }
        #expect(missing?.0 == .notFound, "\(call)")
      }
    }
  }

  @Test func poolChangesOnlyWhileDrainedAndPinsFollowThePool() async throws {
    try await withQueueServer { pools, clusters, queues, _ in
      try await pools.create("prod")
      try await pools.create("staging")
      try await clusters.create("c1", pool: "prod")
      try await clusters.create("s1", pool: "staging")
      typealias Q = QueueServiceClient
      try await queues.create("q", Q.spec(pool: "prod", pins: ["c1"]))
      let active = await queues.code { try await queues.update("q", Q.spec(pool: "staging")) }
      #expect(active?.0 == .failedPrecondition && active?.1.contains("DRAINED") == true)
      let emptyPool = await queues.code { try await queues.update("q", Q.spec(pool: "")) }
      #expect(emptyPool?.0 == .invalidArgument)
      // other fields change while ACTIVE, and the state generation stays
      let tuned = try await queues.update("q", Q.spec(run: 7, actions: 8, pool: "prod", pins: ["c1"], priority: .min))
      #expect(tuned.spec?.runConcurrency == 7 && tuned.spec?.priority == .min && tuned.generation == 1)
      try await queues.setState("q", .draining)
      let strangers = await queues.code { try await queues.update("q", Q.spec(pool: "staging", pins: ["c1"])) }
      #expect(strangers?.0 == .failedPrecondition)
      #expect(await queues.code { try await queues.update("q", Q.spec(pool: "missing")) }?.0 == .notFound)
      let moved = try await queues.update("q", Q.spec(pool: "staging", pins: ["s1"]))
      #expect(moved.spec?.clusterPoolName == "staging" && moved.spec?.clusters == ["s1"] && moved.available == ["s1"])
      #expect(moved.state == .drained)
    }
  }
}
