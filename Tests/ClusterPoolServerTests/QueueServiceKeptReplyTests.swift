import Foundation
import Testing

@testable import ClusterPoolServer

/// GetQueue serves a kept reply while nothing it shows changed: each read below comes after
/// reads that kept the reply, so a change the kept reply's stamp missed (a cluster joining or
/// leaving the pool, a member's state or health, a heartbeat timeout) would show the old
/// routing. (A stamp without the rows' version fails at the drain; a kept reply served past
/// its timeout fails at the end.)
@Suite struct QueueServiceKeptReplyTests {
  @Test func aKeptReplyFollowsClustersJoiningLeavingAndTheirHealth() async throws {
    let timeout = Duration.seconds(2)
    try await withQueueServer(heartbeatTimeout: timeout) { pools, clusters, queues, _ in
      try await pools.create("prod", uri: "s3://b")
      try await pools.create("dev", uri: "s3://b")
      try await clusters.create("c1", pool: "prod")
      try await queues.create("q", QueueServiceClient.spec(pool: "prod"))
      func routed() async throws -> [String] {
        let first = try await queues.get("q").available
        let again = try await queues.get("q").available
        #expect(first == again, "two reads with nothing changed between them differ")
        return again
      }
      #expect(try await routed() == ["c1"])
      try await clusters.create("c2", pool: "prod")
      #expect(try await routed() == ["c1", "c2"])
      try await clusters.create("c3", pool: "dev")
      #expect(try await routed() == ["c1", "c2"])
      _ = try await clusters.delete("c2")
      #expect(try await routed() == ["c1"])
      try await clusters.create("c4", pool: "prod")
      #expect(try await routed() == ["c1", "c4"])
      // a member's state (its row only: no health changes)
      _ = try await clusters.setState("c1", .draining)
      #expect(try await routed() == ["c4"])
      _ = try await clusters.setState("c1", .active)
      #expect(try await routed() == ["c1", "c4"])
      // a member's drift takes it out whatever the time; a report matching its pool again puts
      // it back (unless the machine was too slow to read it within the timeout)
      try await clusters.report("c4", uri: "s3://a")
      #expect(try await routed() == ["c1"])
      let beat = ContinuousClock.now
      try await clusters.report("c4", uri: "s3://b")
      let back = try await queues.get("q").available
      if ContinuousClock.now - beat < timeout { #expect(back == ["c1", "c4"]) }
      // c4 reported, c1 never did: c4's silence past the timeout takes it out by time alone
      let deadline = ContinuousClock.now + .seconds(20)
      var available = try await queues.get("q").available
      while available.contains("c4") && ContinuousClock.now < deadline {
        try await Task.sleep(for: .milliseconds(50))
        available = try await queues.get("q").available
      }
      #expect(available == ["c1"])
    }
  }
}
