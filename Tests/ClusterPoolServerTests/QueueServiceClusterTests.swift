import ClusterPoolProto
import Foundation
import RPCCore
import Testing

@testable import ClusterPoolServer

/// Queues and the clusters and pools around them: implicit queues, the pool and pin guards,
/// and what a restart keeps.
@Suite struct QueueServiceClusterTests {
  @Test func implicitQueuesFollowTheirClusterAndCannotChangeOnTheirOwn() async throws {
    try await withQueueServer { pools, clusters, queues, _ in
      try await pools.create("prod")
      try await clusters.create("c1", pool: "prod")
      let implicit = try await queues.get("c1")
      #expect(implicit.status?.clusterManaged == true && implicit.spec?.clusterPoolName == "prod")
      #expect(implicit.spec?.clusters == ["c1"] && implicit.available == ["c1"] && implicit.state == .active)
      typealias Q = QueueServiceClient
      let update = await queues.code { try await queues.update("c1", Q.spec(pool: "prod")) }
      #expect(update?.0 == .failedPrecondition && update?.1.contains("implicit queue of cluster") == true)
      #expect(await queues.code { try await queues.setState("c1", .draining) }?.0 == .failedPrecondition)
      #expect(await queues.code { try await queues.setState("c1", .active) }?.0 == .failedPrecondition)
      #expect(await queues.code { try await queues.delete("c1") }?.0 == .failedPrecondition)
      #expect(await queues.code { try await queues.create("c1", Q.spec(pool: "prod")) }?.0 == .alreadyExists)
      // it follows its cluster: drained with it (a cluster that never reported drains at once)
      _ = try await clusters.setState("c1", .draining)
      let drained = try await queues.get("c1")
      #expect(drained.state == .drained && drained.available == [] && drained.generation == 2)
      _ = try await clusters.delete("c1")
      let gone = try await queues.get("c1")
      #expect(gone.state == .deleted && gone.deletedAt != nil)
      let undelete = await queues.code { try await queues.undelete("c1") }
      #expect(undelete?.0 == .failedPrecondition && undelete?.1.contains("cluster") == true)
      // the cluster's deletion freed the name: a queue of its own may take it
      let own = try await queues.create("c1", Q.spec(pool: "prod"))
      #expect(own.status?.clusterManaged == false && own.state == .active)
      #expect(await clusters.code { _ = try await clusters.undelete("c1") }?.0 == .alreadyExists)
      #expect(try await queues.list().queues.map(\.id?.name) == ["c1", "default"])
    }
  }

  @Test func liveQueuesBlockTheirPoolsDeleteAndPinnedClustersDelete() async throws {
    try await withQueueServer { pools, clusters, queues, _ in
      try await pools.create("prod")
      try await clusters.create("c1", pool: "prod")
      try await queues.create("gpu", QueueServiceClient.spec(pool: "prod", pins: ["c1"]))
      let pinned = await clusters.code { _ = try await clusters.delete("c1") }
      #expect(pinned?.0 == .failedPrecondition && pinned?.1.contains("\"gpu\"") == true)
      try await queues.update("gpu", QueueServiceClient.spec(pool: "prod"))
      _ = try await clusters.delete("c1")
      let referenced = await pools.code { try await $0.delete("prod") }
      #expect(referenced?.0 == .failedPrecondition && referenced?.1.contains("gpu") == true)
      try await queues.setState("gpu", .draining)
      try await queues.delete("gpu")
      #expect(await pools.code { try await $0.delete("prod") } == nil)
      // a deleted queue comes back only into a live pool
      let restored = await queues.code { try await queues.undelete("gpu") }
      #expect(restored?.0 == .failedPrecondition && restored?.1.contains("cluster pool \"prod\" is deleted") == true)
    }
  }

  @Test func aDeletedQueueKeepsItsNameFromClustersToo() async throws {
    try await withQueueServer { pools, clusters, queues, _ in
      try await pools.create("prod")
      try await queues.create("gpu", QueueServiceClient.spec(run: 7, pool: "prod"))
      try await queues.setState("gpu", .draining)
      let deleted = try await queues.delete("gpu")
      let register = await clusters.code { try await clusters.create("gpu", pool: "prod") }
      #expect(register?.0 == .alreadyExists && register?.1.contains("exists but is deleted") == true)
      #expect(try await queues.get("gpu") == deleted)
      // a deleted cluster whose name a queue took meanwhile cannot come back over it
      try await clusters.create("c1", pool: "prod")
      _ = try await clusters.delete("c1")
      try await queues.create("c1", QueueServiceClient.spec(pool: "prod"))
      try await queues.setState("c1", .draining)
      let taken = try await queues.delete("c1")
      let undelete = await clusters.code { _ = try await clusters.undelete("c1") }
      #expect(undelete?.0 == .alreadyExists && undelete?.1.contains("took its name") == true)
      #expect(try await queues.get("c1") == taken && taken.status?.clusterManaged == false)
      // the queues still come back as they were, queues of their own
      let restored = try await queues.undelete("gpu")
      #expect(restored.state == .drained && restored.status?.clusterManaged == false && restored.spec?.runConcurrency == 7)
    }
  }

  @Test func queuesSurviveARestart() async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("queue-restart-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.path
    var before: [WireQueue] = []
    try await withQueueServer(folder: path) { pools, clusters, queues, _ in
      try await pools.create("prod")
      try await clusters.create("c1", pool: "prod")
      try await queues.create("a", QueueServiceClient.spec(run: 5, pool: "prod", pins: ["c1"], priority: .medium))
      try await queues.create("b", QueueServiceClient.spec(pool: "prod"))
      try await queues.setState("b", .draining)
      try await queues.delete("b")
      try await queues.update("default", QueueServiceClient.spec(run: 9, pool: "default"))
      before = try await queues.list().queues + [try await queues.get("b")]
    }
    try await withQueueServer(folder: path) { _, _, queues, _ in
      let after = try await queues.list().queues + [try await queues.get("b")]
      #expect(after == before)
      #expect(after.map(\.id?.name) == ["a", "c1", "default", "b"])
    }
  }
}
