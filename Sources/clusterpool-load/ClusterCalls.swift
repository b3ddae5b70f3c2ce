import ClusterPoolProto
import RPCCore
import RPCHTTP2

typealias API = Cloudidl.Cluster

/// The ClusterService calls the drivers make.
extension RPCClient {
  static func clusterMethod(_ name: String) -> MethodDescriptor {
    MethodDescriptor(service: "cloudidl.cluster.ClusterService", method: name)
  }

  func createCluster(_ name: String, org: String, pool: String) async throws {
    let _: API.CreateClusterResponse = try await unary(
      Self.clusterMethod("CreateCluster"),
      request: API.CreateClusterRequest(clusterId: .init(organization: org, name: name), clusterPoolName: pool),
      serializer: ProtoSerializer<API.CreateClusterRequest>(), deserializer: ProtoDeserializer<API.CreateClusterResponse>())
  }

  func heartbeat(_ name: String, org: String) async throws {
    let _: API.HeartbeatRequestResponse = try await unary(
      Self.clusterMethod("Heartbeat"), request: API.HeartbeatRequest(clusterId: .init(organization: org, name: name)),
      serializer: ProtoSerializer<API.HeartbeatRequest>(), deserializer: ProtoDeserializer<API.HeartbeatRequestResponse>())
  }
}
