import ClusterPoolProto
import Foundation
import RPCCore
import Testing

@testable import ClusterPoolServer

/// Rules checked and applied in one transaction: concurrent requests never both pass a check
/// only one of them may pass.
@Suite struct QueueServiceConcurrencyTests {
  @Test func fiftyConcurrentDrainsWithTheSameGenerationHaveOneWinner() async throws {
    try await withQueueServer { pools, _, queues, _ in
      try await pools.create("prod")
      try await queues.create("q", QueueServiceClient.spec(pool: "prod"))
      let codes = await withTaskGroup(of: RPCStatusCode?.self) { group in
        for _ in 0..<50 {
          group.addTask { await queues.code { try await queues.setState("q", .draining, expected: 1) }?.0 }
        }
        return await group.reduce(into: []) { $0.append($1) }
      }
      #expect(codes.filter { $0 == nil }.count == 1)
      #expect(codes.filter { $0 == .aborted }.count == 49)
      let after = try await queues.get("q")
      #expect(after.state == .drained && after.generation == 2)
    }
  }

  @Test func concurrentCreatesOfOneNameAndARacingClusterHaveOneWinner() async throws {
    try await withQueueServer { pools, clusters, queues, _ in
      try await pools.create("prod")
      let codes = await withTaskGroup(of: RPCStatusCode?.self) { group in
        for _ in 0..<30 {
          group.addTask { await queues.code { try await queues.create("shared", QueueServiceClient.spec(pool: "prod")) }?.0 }
        }
        group.addTask { await clusters.code { try await clusters.create("shared", pool: "prod") }?.0 }
        return await group.reduce(into: []) { $0.append($1) }
      }
      #expect(codes.filter { $0 == nil }.count == 1)
      #expect(codes.filter { $0 == .alreadyExists }.count == 30)
      let queue = try await queues.get("shared")
      let clusterWon = (try? await clusters.get("shared")) != nil
      #expect(queue.status?.clusterManaged == clusterWon)
    }
  }

  @Test func queuesCreatedWhileThePoolIsDeletedNeverOutliveIt() async throws {
    try await withQueueServer { pools, _, queues, _ in
      try await pools.create("prod")
      let outcomes = await withTaskGroup(of: (String, RPCStatusCode?).self) { group in
        for i in 0..<40 {
          group.addTask { ("q\(i)", await queues.code { try await queues.create("q\(i)", QueueServiceClient.spec(pool: "prod")) }?.0) }
          if i == 20 { group.addTask { ("pool", await pools.code { try await $0.delete("prod") }?.0) } }
        }
        return await group.reduce(into: [(String, RPCStatusCode?)]()) { $0.append($1) }
      }
      let queueOutcomes = outcomes.filter { $0.0 != "pool" }
      let created = queueOutcomes.filter { $0.1 == nil }.map(\.0)
      let poolOutcome = outcomes.first { $0.0 == "pool" }?.1
      // either the pool was deleted before any queue landed in it, or it survived with them
      if poolOutcome == nil {
        #expect(created.isEmpty)
        #expect(queueOutcomes.allSatisfy { $0.1 == .notFound })
      } else {
        #expect(poolOutcome == .failedPrecondition)
        #expect(!created.isEmpty)
        #expect(try await pools.get("prod").id?.name == "prod")
      }
      let listed = try await queues.list().queues.compactMap(\.id?.name).filter { $0 != "default" }
      #expect(Set(listed) == Set(created))
    }
  }
}
