import ClusterPoolProto
import Foundation
import RPCCore
import Testing

@testable import ClusterPoolServer

/// WatchClusters: a first message with the current matching clusters, then one per change.
@Suite struct ClusterServiceWatchTests {
  @Test func watcherSeesCreateDrainDriftAndDeleteInOrder() async throws {
    try await withClusterServer { pools, clusters, _ in
      try await pools.create("prod", uri: "s3://b")
      try await pools.create("other")
      try await clusters.create("c0", pool: "prod")
      try await clusters.create("elsewhere", pool: "other")
      let filter = Cloudidl.Common.Filter(function: .equal, field: "pool", values: ["prod"])
      try await clusters.client.serverStreaming(
        MethodDescriptor(service: ClusterService.serviceName, method: "WatchClusters"),
        request: Cloudidl.Cluster.WatchClustersRequest(filters: [filter]),
        serializer: ProtoSerializer<Cloudidl.Cluster.WatchClustersRequest>(),
        deserializer: ProtoDeserializer<Cloudidl.Cluster.WatchClustersResponse>()
      ) { responses in
        var events = responses.makeAsyncIterator()
        let first = try await events.next()
        #expect(first?.clusters.map { $0.id?.name } == ["c0"])

        try await clusters.create("elsewhere-2", pool: "other")  // filtered out: no message
        try await clusters.create("c1", pool: "prod")
        let created = try await events.next()?.clusters.first
        #expect(created?.id?.name == "c1" && created?.drainStatus?.overallState == .active)

        _ = try await clusters.setState("c1", .draining)
        let drained = try await events.next()?.clusters.first
        #expect(drained?.id?.name == "c1" && drained?.drainStatus?.overallState == .drained)

        try await clusters.report("c1", uri: "s3://a")
        let drifted = try await events.next()?.clusters.first
        #expect(drifted?.health?.status == .unhealthy)
        #expect(drifted?.health?.unhealthyReasons == ["object store s3://a differs from pool prod's s3://b"])

        _ = try await clusters.delete("c1")
        let deleted = try await events.next()?.clusters.first
        #expect(deleted?.id?.name == "c1" && deleted?.drainStatus?.overallState == .deleted)
      }
    }
  }
}
