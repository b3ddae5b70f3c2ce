import ClusterPoolProto
import Foundation
import RPCCore
import Testing

@testable import ClusterPoolServer

/// `status.available_clusters` follows the clusters' state and health as they change, and
/// the seed's move sequence leaves no queue routing nowhere.
@Suite struct QueueServiceRoutingTests {
  @Test func availableClustersFollowClusterDrainActivateAndDrift() async throws {
    try await withQueueServer { pools, clusters, queues, _ in
      try await pools.create("prod", uri: "s3://b")
      try await clusters.create("c1", pool: "prod")
      try await clusters.create("c2", pool: "prod")
      try await queues.create("all", QueueServiceClient.spec(pool: "prod"))
      try await queues.create("pinned", QueueServiceClient.spec(pool: "prod", pins: ["c2"]))
      #expect(try await queues.get("all").available == ["c1", "c2"])
      #expect(try await queues.get("pinned").available == ["c2"])
      // a drain takes a cluster out of routing at once; activate puts it back
      _ = try await clusters.setState("c1", .draining)
      #expect(try await queues.get("all").available == ["c2"])
      _ = try await clusters.setState("c1", .active)
      #expect(try await queues.get("all").available == ["c1", "c2"])
      // drift from the pool's data plane makes a cluster UNHEALTHY: out of routing until it matches
      try await clusters.report("c2", uri: "s3://a")
      #expect(try await queues.get("all").available == ["c1"])
      #expect(try await queues.get("pinned").available == [])
      #expect(try await queues.list().queues.first { $0.id?.name == "pinned" }?.available == [])
      try await clusters.report("c2", uri: "s3://b")
      #expect(try await queues.get("pinned").available == ["c2"])
      #expect(try await queues.get("c2").available == ["c2"])
      // the queue's own state does not change where it would route; deleting it does
      try await queues.setState("all", .draining)
      #expect(try await queues.get("all").available == ["c1", "c2"])
      try await queues.delete("all")
      #expect(try await queues.get("all").available == [])
    }
  }

  @Test func aClusterSilentPastTheHeartbeatTimeoutLeavesRouting() async throws {
    try await withQueueServer(heartbeatTimeout: .seconds(1)) { pools, clusters, queues, _ in
      try await pools.create("prod")
      try await clusters.create("c1", pool: "prod")
      try await queues.create("q", QueueServiceClient.spec(pool: "prod"))
      #expect(try await routedRightAfterAHeartbeat(clusters, queues, within: .seconds(1)))
      // wait (bounded) for the timeout to pass, reading the queue until it shows it
      let deadline = ContinuousClock.now + .seconds(10)
      var available = ["c1"]
      while available == ["c1"] && ContinuousClock.now < deadline {
        try await Task.sleep(for: .milliseconds(50))
        available = try await queues.get("q").available
      }
      #expect(available == [])
      #expect(try await clusters.get("c1").status?.health == .unhealthy)
      #expect(try await routedRightAfterAHeartbeat(clusters, queues, within: .seconds(1)))
    }
  }

  /// Whether queue `q` routes to `c1` when read right after a heartbeat of `c1`: a reading
  /// that came back later than `timeout` after the heartbeat (a loaded machine) proves nothing
  /// and is taken again, up to ten times.
  private func routedRightAfterAHeartbeat(
    _ clusters: ClusterServiceClient, _ queues: QueueServiceClient, within timeout: Duration
  ) async throws -> Bool {
    for _ in 0..<10 {
      let beat = ContinuousClock.now
      try await clusters.heartbeat("c1")
      let available = try await queues.get("q").available
      if ContinuousClock.now - beat < timeout { return available == ["c1"] }
    }
    Issue.record("no heartbeat and reading within \(timeout) in ten tries: the machine is too loaded to tell")
    return false
  }

  @Test func theSeedsMoveSequenceLeavesNoQueueRoutingNowhere() async throws {
    try await withQueueServer { pools, clusters, queues, _ in
      try await pools.create("prod")
      try await pools.create("staging")
      try await clusters.create("prod-us-east-1", pool: "prod")
      try await clusters.create("prod-us-west-2", pool: "prod")
      try await queues.create("gpu", QueueServiceClient.spec(pool: "prod", pins: ["prod-us-east-1"]))
      #expect(try await queues.get("prod-us-east-1").available == ["prod-us-east-1"])
      // drain: the cluster and its implicit queue leave routing
      _ = try await clusters.setState("prod-us-east-1", .draining)
      #expect(try await queues.get("prod-us-east-1").state == .drained)
      #expect(try await queues.get("gpu").available == [])
      // delete: refused while a queue pins the cluster (it would route nowhere); repin, then delete
      let pinned = await clusters.code { _ = try await clusters.delete("prod-us-east-1") }
      #expect(pinned?.0 == .failedPrecondition)
      try await queues.update("gpu", QueueServiceClient.spec(pool: "prod", pins: ["prod-us-west-2"]))
      _ = try await clusters.delete("prod-us-east-1")
      #expect(try await queues.get("prod-us-east-1").state == .deleted)
      // re-register into another pool: a fresh implicit queue there, routing to the cluster
      try await clusters.create("prod-us-east-1", pool: "staging")
      let moved = try await queues.get("prod-us-east-1")
      #expect(moved.state == .active && moved.spec?.clusterPoolName == "staging" && moved.available == ["prod-us-east-1"])
      #expect(moved.status?.clusterManaged == true && moved.deletedAt == nil)

      // no live queue routes nowhere: each routes to live, ACTIVE members of its own pool
      let listed = try await queues.list().queues
      #expect(listed.map(\.id?.name) == ["default", "gpu", "prod-us-east-1", "prod-us-west-2"])
      for queue in listed where queue.id?.name != "default" {
        let pool = try await pools.get(queue.spec?.clusterPoolName ?? "")
        let members = Set(pool.memberClusters.map(\.name))
        let name = queue.id?.name ?? ""
        let routesToMembers = Set(queue.available).isSubset(of: members)
        let pinsMembers = Set(queue.spec?.clusters ?? []).isSubset(of: members)
        #expect(!queue.available.isEmpty, "\(name)")
        #expect(routesToMembers, "\(name)")
        #expect(pinsMembers, "\(name)")
      }
      #expect(try await pools.get("staging").memberClusters.map(\.name) == ["prod-us-east-1"])
    }
  }
}
