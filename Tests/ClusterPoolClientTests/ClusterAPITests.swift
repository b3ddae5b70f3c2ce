import ClusterPoolClient
import ClusterPoolProto
import RPCCore
import Testing

/// What `Cluster`'s calls send and how they read the replies, against a recording server.
@Suite struct ClusterAPITests {
  typealias Service = Cloudidl.Cluster.ClusterService

  static func proto(
    _ name: String, pool: String = "prod", state: Cloudidl.Cluster.ClusterState = .active, generation: UInt64 = 1,
    health: Cloudidl.Cluster.Status.Health = .healthy, reasons: [String] = []
  ) -> Cloudidl.Cluster.Cluster {
    Cloudidl.Cluster.Cluster(
      spec: .init(id: .init(organization: "acme", name: name)),
      status: .init(health: health, unhealthyReasons: reasons),
      queues: [.init(organization: "acme", name: name)], pool: .init(organization: "acme", name: pool),
      drainStatus: .init(overallState: state, generation: generation))
  }

  @Test func createSendsTheNameAndPoolOfTheSeedCall() async throws {
    let seen = Recorded<Cloudidl.Cluster.CreateClusterRequest>()
    try await withRecordingServer(register: { registry in
      registry.unary(descriptor(Service.CreateCluster.method)) {
        (request: Cloudidl.Cluster.CreateClusterRequest, _) -> Cloudidl.Cluster.CreateClusterResponse in
        seen.append(request)
        return .init()
      }
    }) { client in
      try await ControlPlaneClient.withClient(client) {
        try await Cluster.create("prod-us-east-1", clusterPoolName: "prod")
        try await Cluster.create("dev-1")
      }
    }
    #expect(seen.all.map { $0.clusterId?.name } == ["prod-us-east-1", "dev-1"])
    #expect(seen.all.map { $0.clusterId?.organization } == ["acme", "acme"])
    #expect(seen.all.map(\.clusterPoolName) == ["prod", ""])
  }

  @Test func drainSendsTheGuardGivenOrNoneAndReadsTheReply() async throws {
    let gets = Recorded<Cloudidl.Cluster.GetRequest>()
    let changes = Recorded<Cloudidl.Cluster.UpdateClusterStateRequest>()
    try await withRecordingServer(register: { registry in
      registry.unary(descriptor(Service.GetCluster.method)) {
        (request: Cloudidl.Cluster.GetRequest, _) -> Cloudidl.Cluster.GetResponse in
        gets.append(request)
        return .init(cluster: Self.proto("c1", generation: 7))
      }
      registry.unary(descriptor(Service.UpdateClusterState.method)) {
        (request: Cloudidl.Cluster.UpdateClusterStateRequest, _) -> Cloudidl.Cluster.UpdateClusterStateResponse in
        changes.append(request)
        guard [0, 7, 8].contains(request.expectedGeneration) else {
          throw RPCError(code: .aborted, message: "generation \(request.expectedGeneration) is stale")
        }
        return .init(
          cluster: Self.proto(
            "c1", state: request.state, generation: max(request.expectedGeneration, 7) + 1, health: .unhealthy,
            reasons: ["object store s3://a differs from pool prod's s3://b"]))
      }
    }) { client in
      let drained = try await Cluster.drain("c1", client: client)
      #expect(drained.state == .draining)
      #expect(drained.generation == 8)
      #expect(drained.pool == "prod")
      #expect(drained.queues == ["c1"])
      #expect(drained.health == .unhealthy)
      #expect(drained.unhealthyReasons == ["object store s3://a differs from pool prod's s3://b"])

      let active = try await Cluster.activate("c1", expectedGeneration: 8, client: client)
      #expect(active.state == .active)

      await #expect(throws: ClientError(code: .aborted, message: "generation 3 is stale")) {
        try await Cluster.drain("c1", expectedGeneration: 3, client: client)
      }
    }
    #expect(gets.all.isEmpty)  // the reply carries the cluster: nothing read before or after
    #expect(changes.all.map(\.state) == [.draining, .active, .draining])
    #expect(changes.all.map(\.expectedGeneration) == [0, 8, 3])
  }

  @Test func deleteAndUndeleteSendTheirRequests() async throws {
    let deletes = Recorded<Cloudidl.Cluster.DeleteRequest>()
    let gets = Recorded<Cloudidl.Cluster.GetRequest>()
    try await withRecordingServer(register: { registry in
      registry.unary(descriptor(Service.DeleteCluster.method)) {
        (request: Cloudidl.Cluster.DeleteRequest, _) -> Cloudidl.Cluster.DeleteResponse in
        deletes.append(request)
        return .init(cluster: Self.proto("c1", state: .deleting, generation: 4))
      }
      registry.unary(descriptor(Service.UndeleteCluster.method)) {
        (request: Cloudidl.Cluster.UndeleteRequest, _) -> Cloudidl.Cluster.UndeleteResponse in
        .init()  // no cluster in the reply: the client reads it back
      }
      registry.unary(descriptor(Service.GetCluster.method)) {
        (request: Cloudidl.Cluster.GetRequest, _) -> Cloudidl.Cluster.GetResponse in
        gets.append(request)
        return .init(cluster: Self.proto(request.clusterId?.name ?? "", generation: 5))
      }
    }) { client in
      let deleted = try await Cluster.delete("c1", expectedGeneration: 3, client: client)
      #expect(deleted?.state == .deleting)
      let restored = try await Cluster.undelete("c1", client: client)
      #expect(restored.name == "c1")
      #expect(restored.generation == 5)
    }
    #expect(deletes.all.map(\.expectedGeneration) == [3])
    #expect(deletes.all.first?.clusterId?.name == "c1")
    #expect(gets.all.count == 1)
  }

  @Test func listAllFollowsTokensWithThePoolFilter() async throws {
    let lists = Recorded<Cloudidl.Cluster.ListRequest>()
    try await withRecordingServer(register: { registry in
      registry.unary(descriptor(Service.ListClusters.method)) {
        (request: Cloudidl.Cluster.ListRequest, _) -> Cloudidl.Cluster.ListResponse in
        lists.append(request)
        switch request.request?.token ?? "" {
        case "": return .init(clusters: [Self.proto("a"), Self.proto("b")], token: "next")
        default: return .init(clusters: [Self.proto("c")], token: "")
        }
      }
    }) { client in
      let names = try await Cluster.listAll(pageSize: 2, pool: "prod", client: client).collect().map(\.name)
      #expect(names == ["a", "b", "c"])
      let limited = try await Cluster.listAll(limit: 1, client: client).collect().map(\.name)
      #expect(limited == ["a"])
    }
    let requests = lists.all
    #expect(requests.map { $0.request?.token } == ["", "next", ""])
    #expect(requests.map { $0.request?.limit } == [2, 2, 1])
    #expect(requests[0].organization == "acme")
    let filter = try #require(requests[0].request?.filters.first)
    #expect(filter.field == "pool" && filter.function == .equal && filter.values == ["prod"])
    #expect(requests[2].request?.filters.isEmpty == true)
  }

  @Test func aMissingServiceIsAnUnimplementedClientError() async throws {
    try await withRecordingServer(register: { _ in }) { client in
      do {
        try await Cluster.create("c1", client: client)
        Issue.record("create succeeded against a server without ClusterService")
      } catch let error as ClientError {
        #expect(error.code == .unimplemented)
        #expect(error.description.hasPrefix("UNIMPLEMENTED"))
      }
    }
  }

  @Test func countAndGetIncludingDeletedSendTheirFields() async throws {
    let counts = Recorded<Cloudidl.Cluster.CountRequest>()
    let gets = Recorded<Cloudidl.Cluster.GetRequest>()
    try await withRecordingServer(register: { registry in
      registry.unary(descriptor(Service.Count.method)) {
        (request: Cloudidl.Cluster.CountRequest, _) -> Cloudidl.Cluster.CountResponse in
        counts.append(request)
        return .init(count: 42)
      }
      registry.unary(descriptor(Service.GetCluster.method)) {
        (request: Cloudidl.Cluster.GetRequest, _) -> Cloudidl.Cluster.GetResponse in
        gets.append(request)
        var cluster = Self.proto("gone", state: .deleted)
        cluster.deletedAt = .init(seconds: 1_700_000_000)
        return .init(cluster: cluster)
      }
    }) { client in
      #expect(try await Cluster.count(pool: "prod", deleted: true, nameContains: "us-", client: client) == 42)
      let gone = try await Cluster.get("gone", includeDeleted: true, client: client)
      #expect(gone.isDeleted)
      #expect(gone.deletedAt?.timeIntervalSince1970 == 1_700_000_000)
    }
    let filters = try #require(counts.all.first?.filters)
    #expect(filters.map(\.field) == ["pool", "deleted_at", "name"])
    #expect(filters.map(\.function) == [.equal, .exists, .contains])
    #expect(counts.all.first?.organization == "acme")
    #expect(gets.all.map(\.includeDeleted) == [true])
  }

  @Test func heartbeatAndStatusReportCarryTheDataPlane() async throws {
    let beats = Recorded<Cloudidl.Cluster.HeartbeatRequest>()
    let reports = Recorded<Cloudidl.Cluster.UpdateStatusRequest>()
    try await withRecordingServer(register: { registry in
      registry.unary(descriptor(Service.Heartbeat.method)) {
        (request: Cloudidl.Cluster.HeartbeatRequest, _) -> Cloudidl.Cluster.HeartbeatRequestResponse in
        beats.append(request)
        return .init()
      }
      registry.unary(descriptor(Service.UpdateStatus.method)) {
        (request: Cloudidl.Cluster.UpdateStatusRequest, _) -> Cloudidl.Cluster.UpdateStatusResponse in
        reports.append(request)
        return .init()
      }
    }) { client in
      try await Cluster.heartbeat("c1", client: client)
      try await Cluster.reportStatus(
        "c1",
        dataPlane: .init(objectStoreURI: "s3://a", secretStoreType: .vault, secretStoreLocator: "https://v", imageRegistry: "r.io"),
        healthy: true, client: client)
    }
    #expect(beats.all.map { $0.clusterId?.name } == ["c1"])
    let status = try #require(reports.all.first?.status)
    #expect(status.health == .healthy)
    let data = try #require(status.operatorClusterData)
    #expect(data.metadataObjectStoreRef?.uri == "s3://a")
    #expect(data.secretStore?.type == .vault && data.secretStore?.locator == "https://v")
    #expect(data.imageRegistry?.locator == "r.io")
  }
}
