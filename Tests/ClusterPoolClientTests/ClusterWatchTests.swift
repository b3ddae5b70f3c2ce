import ClusterPoolClient
import ClusterPoolProto
import RPCCore
import Testing

/// `Cluster.watch()` over a recording WatchClusters stream.
@Suite struct ClusterWatchTests {
  typealias Service = Cloudidl.Cluster.ClusterService

  static func summary(
    _ name: String, _ state: Cloudidl.Cluster.ClusterState, generation: UInt64,
    health: Cloudidl.Cluster.HealthStatus = .healthy, reasons: [String] = []
  ) -> Cloudidl.Cluster.ClusterSummary {
    .init(
      id: .init(organization: "acme", name: name), clusterPool: .init(organization: "acme", name: "prod"),
      health: .init(status: health, unhealthyReasons: reasons),
      drainStatus: .init(overallState: state, generation: generation))
  }

  @Test func yieldsTheSnapshotThenEachChangeAndStopsTheStreamWhenTheLoopEnds() async throws {
    let requests = Recorded<Cloudidl.Cluster.WatchClustersRequest>()
    let ended = Recorded<String>()
    try await withRecordingServer(register: { registry in
      registry.serverStreaming(descriptor(Service.WatchClusters.method)) {
        (request: Cloudidl.Cluster.WatchClustersRequest, writer: RPCWriter<Cloudidl.Cluster.WatchClustersResponse>, _) in
        requests.append(request)
        try await writer.write(.init(clusters: [Self.summary("a", .active, generation: 1)]))
        try await writer.write(.init(clusters: [Self.summary("a", .draining, generation: 2)]))
        try await writer.write(
          .init(clusters: [Self.summary("a", .draining, generation: 2, health: .unhealthy, reasons: ["drift"])]))
        try await writer.write(.init(clusters: [Self.summary("a", .deleted, generation: 3)]))
        do {
          try await Task.sleep(for: .seconds(30))
        } catch {
          ended.append("cancelled")
          throw error
        }
      }
    }) { client in
      var events: [ClusterWatchEvent] = []
      let clock = ContinuousClock()
      let start = clock.now
      for try await event in Cluster.watch(pool: "prod", client: client) {
        events.append(event)
        if events.count == 4 { break }
      }
      #expect(clock.now - start < .seconds(10))
      #expect(events.map(\.kind) == [.snapshot, .change, .change, .change])
      #expect(events.map { $0.clusters.map(\.name) } == [["a"], ["a"], ["a"], ["a"]])
      #expect(events.map { $0.clusters[0].state } == [.active, .draining, .draining, .deleted])
      #expect(events[2].clusters[0].health == .unhealthy)
      #expect(events[2].clusters[0].unhealthyReasons == ["drift"])
      #expect(events[3].clusters[0].isDeleted)
      #expect(events[0].clusters[0].pool == "prod")
      // The server sees the watch end once the loop stops.
      for _ in 0..<100 where ended.all.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
      #expect(ended.all == ["cancelled"])
    }
    let filter = try #require(requests.all.first?.filters.first)
    #expect(filter.field == "pool" && filter.values == ["prod"])
  }

  @Test func aFailedWatchThrowsFromTheLoop() async throws {
    try await withRecordingServer(register: { registry in
      registry.serverStreaming(descriptor(Service.WatchClusters.method)) {
        (_: Cloudidl.Cluster.WatchClustersRequest, writer: RPCWriter<Cloudidl.Cluster.WatchClustersResponse>, _) in
        try await writer.write(.init())
        throw RPCError(code: .unavailable, message: "shutting down")
      }
    }) { client in
      var kinds: [ClusterWatchEvent.Kind] = []
      await #expect(throws: ClientError(code: .unavailable, message: "shutting down")) {
        for try await event in Cluster.watch(client: client) { kinds.append(event.kind) }
      }
      #expect(kinds == [.snapshot])
    }
  }
}
