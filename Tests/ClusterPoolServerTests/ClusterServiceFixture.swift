import ClusterPoolDomain
import ClusterPoolProto
import ClusterPoolSQLite
import ClusterPoolTesting
import ClusterPoolStore
import Foundation
import Logging
import RPCCore
import RPCHTTP2
import Testing

@testable import ClusterPoolServer

typealias ClusterID = Cloudidl.Common.ClusterIdentifier

/// A typed client of ClusterService over RPCClient.
struct ClusterServiceClient: Sendable {
  let client: RPCClient

  func call<Req: ProtoMessage, Resp: ProtoMessage>(_ name: String, _ request: Req, _: Resp.Type = Resp.self) async throws -> Resp {
    try await client.unary(
      MethodDescriptor(service: ClusterService.serviceName, method: name), request: request,
      serializer: ProtoSerializer<Req>(), deserializer: ProtoDeserializer<Resp>())
  }

  func create(_ name: String, pool: String = "", org: String = "") async throws {
    let _: Cloudidl.Cluster.CreateClusterResponse = try await call(
      "CreateCluster", Cloudidl.Cluster.CreateClusterRequest(clusterId: ClusterID(organization: org, name: name), clusterPoolName: pool))
  }

  func get(_ name: String, includeDeleted: Bool = false) async throws -> Cloudidl.Cluster.Cluster {
    let response: Cloudidl.Cluster.GetResponse = try await call(
      "GetCluster", Cloudidl.Cluster.GetRequest(clusterId: ClusterID(name: name), includeDeleted: includeDeleted))
    return try #require(response.cluster)
  }

  func setState(_ name: String, _ state: Cloudidl.Cluster.ClusterState, expected: UInt64 = 0) async throws -> Cloudidl.Cluster.Cluster {
    let response: Cloudidl.Cluster.UpdateClusterStateResponse = try await call(
      "UpdateClusterState",
      Cloudidl.Cluster.UpdateClusterStateRequest(clusterId: ClusterID(name: name), state: state, expectedGeneration: expected))
    return try #require(response.cluster)
  }

  func delete(_ name: String, expected: UInt64 = 0) async throws -> Cloudidl.Cluster.Cluster {
    let response: Cloudidl.Cluster.DeleteResponse = try await call(
      "DeleteCluster", Cloudidl.Cluster.DeleteRequest(clusterId: ClusterID(name: name), expectedGeneration: expected))
    return try #require(response.cluster)
  }

  func undelete(_ name: String) async throws -> Cloudidl.Cluster.Cluster {
    let response: Cloudidl.Cluster.UndeleteResponse = try await call(
      "UndeleteCluster", Cloudidl.Cluster.UndeleteRequest(clusterId: ClusterID(name: name)))
    return try #require(response.cluster)
  }

  func move(_ name: String, to pool: String) async throws {
    let _: Cloudidl.Cluster.UpdateClusterResponse = try await call(
      "UpdateCluster", Cloudidl.Cluster.UpdateClusterRequest(clusterId: ClusterID(name: name), clusterPoolName: pool))
  }

  /// The status code and message of a failing call (nil when it succeeded).
  func code(_ body: () async throws -> Void) async -> (RPCStatusCode, String)? {
    do {
      try await body()
      return nil
    } catch let error as RPCError {
      return (error.code, error.message)
    } catch {
      return (.unknown, "\(error)")
    }
  }
}

/// What a cluster test sees of its server besides the clients.
struct ClusterTestServer: Sendable {
  let app: ServerApplication
  let store: SQLiteClusterPoolStore
  let keeper: ClusterHealthKeeper
  /// The cluster service itself, for what the wire cannot say yet (a report's execution load).
  let clusters: ClusterService
  /// The queue service itself (its reply cache).
  let queues: QueueService

  init(_ server: LocalServer) {
    app = server.assembly.app
    store = server.assembly.store
    keeper = server.assembly.healthKeeper
    clusters = server.assembly.clusters
    queues = server.assembly.queues
  }
}

/// Starts the server (``LocalServer``, the pool, cluster and queue services among the rest)
/// over a database file, in organization `acme` as `tester`, with the cluster health keeper
/// running; at the end the server stops (the keeper saving health, as at shutdown) and the
/// store closes. `directory` keeps the file for a later server (a restart); by default a
/// fresh one is made and removed.
func withClusterServer(
  heartbeatTimeout: Duration = .seconds(60), healthSaveInterval: Duration = .seconds(3600), in directory: URL? = nil,
  _ body: (PoolServiceClient, ClusterServiceClient, ClusterTestServer) async throws -> Void
) async throws {
  let options = LocalServer.Options.acme(
    folder: directory?.path, heartbeatTimeout: heartbeatTimeout, healthSaveInterval: healthSaveInterval)
  try await withLocalServer(options) { client, server in
    try await body(PoolServiceClient(client: client), ClusterServiceClient(client: client), ClusterTestServer(server))
  }
}
