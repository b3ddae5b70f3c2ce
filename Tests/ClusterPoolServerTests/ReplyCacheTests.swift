import ClusterPoolProto
import Foundation
import RPCCore
import Testing

@testable import ClusterPoolServer

/// GetCluster and GetQueue serve encoded replies kept with what they show
/// (``EncodedReplyCache``): a read with nothing changed is served the kept reply, and every
/// change of what a reply shows (the object, its health, its pool's config, a member cluster's
/// state, health or registration) changes the next reply, each change made after a read that
/// kept the reply before it. (A heartbeat timeout after a kept healthy reply:
/// ClusterServiceHealthTests.silenceBeyondTheTimeoutReadsUnhealthy, QueueServiceRoutingTests.)
@Suite struct ReplyCacheTests {
  @Test func getClusterRepliesFollowEverythingTheyShow() async throws {
    try await withClusterServer { pools, clusters, server in
      try await pools.create("prod", uri: "s3://b")
      try await clusters.create("c1", pool: "prod")
      var last = try await clusters.get("c1")
      #expect(try await clusters.get("c1") == last)
      #expect(server.clusters.replies.count == 1, "the reply is kept")
      func changes(_ what: String, _ expected: (ClusterMessage) -> Bool) async throws {
        let now = try await clusters.get("c1", includeDeleted: true)
        #expect(now != last, "\(what) changes the reply")
        #expect(expected(now), "\(what): \(now)")
        #expect(try await clusters.get("c1", includeDeleted: true) == now, "\(what): read again, the same")
        last = now
      }
      try await clusters.heartbeat("c1")
      try await changes("a first heartbeat") { $0.status?.health == .healthy }
      try await clusters.report("c1", uri: "s3://a")
      try await changes("a report drifting from the pool") { $0.status?.health == .unhealthy && $0.status?.unhealthyReasons.count == 1 }
      try await clusters.report("c1", uri: "s3://a", registry: "registry.example.com")
      try await changes("another reported data plane") { $0.status?.operatorClusterData?.imageRegistry?.locator == "registry.example.com" }
      var pool = try await pools.get("prod")
      pool.config?.objectStoreRef?.uri = "s3://a"
      pool.config?.imageRegistry?.locator = "registry.example.com"
      pool.authorship = nil
      try await pools.update(pool)
      try await changes("the pool's config matching the report") { $0.status?.health == .healthy }
      _ = try await clusters.setState("c1", .draining)
      try await changes("a drain") { $0.drainStatus?.overallState == .draining && $0.status?.state == .disabled }
      _ = try await clusters.setState("c1", .active)
      try await changes("an activation") { $0.drainStatus?.overallState == .active && $0.status?.state == .enabled }
      _ = try await clusters.delete("c1")
      try await changes("a delete") { $0.drainStatus?.overallState == .deleting }
      #expect(server.clusters.replies.count == 1, "one reply kept per cluster")
    }
  }

  @Test func getQueueRepliesFollowEverythingTheyShow() async throws {
    try await withClusterServer { pools, clusters, server in
      let queues = QueueServiceClient(client: pools.client)
      try await pools.create("prod", uri: "s3://b")
      try await clusters.create("c1", pool: "prod")
      try await queues.create("q", QueueServiceClient.spec(pool: "prod"))
      var last = try await queues.get("q")
      #expect(try await queues.get("q") == last)
      #expect(server.queues.replies.count == 1, "the reply is kept")
      func changes(_ what: String, _ expected: (WireQueue) -> Bool) async throws {
        let now = try await queues.get("q")
        #expect(now != last, "\(what) changes the reply")
        #expect(expected(now), "\(what): \(now)")
        #expect(try await queues.get("q") == now, "\(what): read again, the same")
        last = now
      }
      try await clusters.create("c2", pool: "prod")
      try await changes("a member registered into the pool") { $0.available == ["c1", "c2"] }
      _ = try await clusters.setState("c2", .draining)
      try await changes("a member's drain") { $0.available == ["c1"] }
      _ = try await clusters.setState("c2", .active)
      try await changes("a member's activation") { $0.available == ["c1", "c2"] }
      try await clusters.report("c1", uri: "s3://a")
      try await changes("a member's drift (health)") { $0.available == ["c2"] }
      var pool = try await pools.get("prod")
      pool.config?.objectStoreRef?.uri = "s3://a"
      pool.authorship = nil
      try await pools.update(pool)
      try await changes("the pool's config matching the member's report") { $0.available == ["c1", "c2"] }
      try await queues.update("q", QueueServiceClient.spec(run: 20, pool: "prod"))
      try await changes("the queue's spec") { $0.spec?.runConcurrency == 20 }
      try await queues.setState("q", .draining)
      try await changes("the queue's state") { $0.state != .active }
      _ = try await clusters.delete("c2")
      try await changes("a member's delete") { $0.available == ["c1"] }
      try await queues.delete("q")
      try await changes("the queue's delete") { $0.available == [] && $0.deletedAt != nil }

      // a cluster's implicit queue follows its cluster
      let implicit = try await queues.get("c1")
      #expect(try await queues.get("c1") == implicit)
      _ = try await clusters.setState("c1", .draining)
      let drained = try await queues.get("c1")
      #expect(drained != implicit && drained.available == [], "the implicit queue of a drained cluster")

      // an unwritten organization's `default` queue is served, not kept
      let kept = server.queues.replies.count
      #expect(try await queues.get("default", org: "never-written").id?.organization == "never-written")
      #expect(server.queues.replies.count == kept)
    }
  }
}
