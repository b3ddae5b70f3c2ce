import ClusterPoolProto
import Foundation
import RPCCore
import Synchronization
import Testing

@testable import ClusterPoolServer

typealias WatchEvents = RPCAsyncSequence<Cloudidl.Cluster.WatchClustersResponse>.AsyncIterator

extension ClusterServiceClient {
  /// Runs `body` with the messages of one WatchClusters call.
  func watch(filters: [Cloudidl.Common.Filter] = [], _ body: (inout WatchEvents) async throws -> Void) async throws {
    try await client.serverStreaming(
      MethodDescriptor(service: ClusterService.serviceName, method: "WatchClusters"),
      request: Cloudidl.Cluster.WatchClustersRequest(filters: filters),
      serializer: ProtoSerializer<Cloudidl.Cluster.WatchClustersRequest>(),
      deserializer: ProtoDeserializer<Cloudidl.Cluster.WatchClustersResponse>()
    ) { responses in
      var events = responses.makeAsyncIterator()
      try await body(&events)
    }
  }
}

/// The health keeper: heartbeat timeouts announced to watchers, health saved on an interval
/// and at shutdown (never per heartbeat) and loaded at start, drift re-checked on pool Update.
@Suite(.timeLimit(.minutes(2))) struct ClusterServiceHealthKeeperTests {
  @Test func watchersSeeAHeartbeatTimeoutAndTheRecoveryInOrder() async throws {
    try await withClusterServer(heartbeatTimeout: .milliseconds(300)) { pools, clusters, _ in
      try await pools.create("prod")
      try await clusters.create("c1", pool: "prod")
      try await clusters.watch { events in
        #expect(try await events.next()?.clusters.map { $0.id?.name } == ["c1"])
        try await clusters.heartbeat("c1")
        #expect(try await events.next()?.clusters.first?.health?.status == .healthy)
        // no more heartbeats: the keeper announces the timeout (no request causes this message)
        let silent = try await events.next()?.clusters.first
        #expect(silent?.id?.name == "c1" && silent?.health?.status == .unhealthy)
        #expect(silent?.health?.unhealthyReasons.first?.hasPrefix("no heartbeat for ") == true)
        #expect(silent?.health?.unhealthyReasons.first?.hasSuffix("(timeout 300ms)") == true)
        let read = try await clusters.get("c1")
        #expect(read.status?.health == .unhealthy && read.status?.state == .disabled)
        try await clusters.heartbeat("c1")
        let back = try await events.next()?.clusters.first
        #expect(back?.id?.name == "c1" && back?.health?.status == .healthy && back?.health?.unhealthyReasons == [])
        // and it times out again: announced once per silence
        #expect(try await events.next()?.clusters.first?.health?.status == .unhealthy)
      }
    }
  }

  @Test func healthSurvivesARestart() async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cluster-restart-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    try await withClusterServer(in: directory) { pools, clusters, server in
      try await pools.create("prod", uri: "s3://b")
      for name in ["beating", "drifting", "silent"] { try await clusters.create(name, pool: "prod") }
      try await clusters.heartbeat("beating")
      try await clusters.report("drifting", uri: "s3://a")
      #expect(server.store.healthSaveCount == 0)  // only at shutdown (the interval is an hour)
    }
    try await withClusterServer(in: directory) { _, clusters, server in
      #expect(try await clusters.get("beating").status?.health == .healthy)
      let drifting = try await clusters.get("drifting")
      #expect(drifting.status?.health == .unhealthy)
      #expect(drifting.status?.unhealthyReasons == ["object store s3://a differs from pool prod's s3://b"])
      #expect(drifting.status?.operatorClusterData?.metadataObjectStoreRef?.uri == "s3://a")
      #expect(drifting.status?.operatorClusterData?.secretStore?.type == .awsSecretsManager)
      #expect(try await clusters.get("silent").status?.health == .unknown)
      #expect(server.store.healthSaveCount == 0)  // nothing changed: nothing saved
    }
    // a server whose timeout is shorter than the time since the last heartbeat
    try await withClusterServer(heartbeatTimeout: .milliseconds(1), in: directory) { _, clusters, _ in
      let beating = try await clusters.get("beating")
      #expect(beating.status?.health == .unhealthy)
      #expect(beating.status?.unhealthyReasons.first?.hasPrefix("no heartbeat for ") == true)
    }
  }

  @Test func aBurstOfHeartbeatsIsOneSave() async throws {
    try await withClusterServer { pools, clusters, server in
      try await pools.create("prod")
      let names = (0..<5).map { "c\($0)" }
      for name in names { try await clusters.create(name, pool: "prod") }
      try await withThrowingTaskGroup(of: Void.self) { group in
        for name in names {
          group.addTask { for _ in 0..<100 { try await clusters.heartbeat(name) } }
        }
        try await group.waitForAll()
      }
      #expect(server.store.healthSaveCount == 0)
      await server.keeper.save()
      #expect(server.store.healthSaveCount == 1)
      await server.keeper.save()  // nothing changed since
      #expect(server.store.healthSaveCount == 1)
    }
  }

  @Test func savesAtMostOncePerInterval() async throws {
    try await withClusterServer(healthSaveInterval: .milliseconds(20)) { pools, clusters, server in
      try await pools.create("prod")
      try await clusters.create("c1", pool: "prod")
      var heartbeats = 0
      // heartbeat without pause until the keeper has saved three times
      while server.store.healthSaveCount < 3 && heartbeats < 1_000_000 {
        try await clusters.heartbeat("c1")
        heartbeats += 1
      }
      let saves = server.store.healthSaveCount
      #expect(saves >= 3)
      #expect(saves <= server.keeper.intervals.load(ordering: .relaxed))
    }
  }

  @Test func aPoolConfigChangeRechecksDriftAndTellsWatchers() async throws {
    try await withClusterServer { pools, clusters, _ in
      try await pools.create("prod", uri: "s3://b")
      try await clusters.create("c1", pool: "prod")
      try await clusters.create("quiet", pool: "prod")  // never reported: no drift either way
      try await clusters.report("c1", uri: "s3://b")
      #expect(try await clusters.get("c1").status?.health == .healthy)
      try await clusters.watch { events in
        _ = try await events.next()
        var pool = try await pools.get("prod")
        pool.config?.objectStoreRef?.uri = "s3://new"
        try await pools.update(pool)
        let drifted = try await events.next()?.clusters.first
        #expect(drifted?.id?.name == "c1" && drifted?.health?.status == .unhealthy)
        #expect(drifted?.health?.unhealthyReasons == ["object store s3://b differs from pool prod's s3://new"])
        #expect(try await clusters.get("c1").status?.health == .unhealthy)
        pool.config?.objectStoreRef?.uri = "s3://b"
        try await pools.update(pool)
        let matching = try await events.next()?.clusters.first
        #expect(matching?.id?.name == "c1" && matching?.health?.status == .healthy)
        #expect(try await clusters.get("c1").status?.unhealthyReasons == [])
        #expect(try await clusters.get("quiet").status?.health == .unknown)
      }
    }
  }
}
