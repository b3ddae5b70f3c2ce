import ClusterPoolProto
import Foundation
import RPCCore
import Testing

@Suite struct ClusterMessagesRoundTripTests {
  @Test func createClusterRequestRoundTrips() throws {
    for pool in ["prod", "staging", ""] {
      let request = Cloudidl.Cluster.CreateClusterRequest(clusterId: .init(organization: "", name: "c1"), clusterPoolName: pool)
      let bytes = try request.serializedBytes()
      let decoded = try bytes.withUnsafeBytes { try Cloudidl.Cluster.CreateClusterRequest(serializedBytes: $0) }
      #expect(decoded.clusterPoolName == pool)
      #expect(decoded.clusterId?.name == "c1")
    }
  }
}
