import ClusterPoolDomain
import ClusterPoolProto
import ClusterPoolSQLite
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
}

/// Starts one store with the pool, cluster and queue services on a real server over a database file,
/// in organization `acme` as `tester`, with the cluster health keeper running; at the end the
/// keeper stops (saving health, as at shutdown) and the store closes. `directory` keeps the
/// file for a later server (a restart); by default a fresh one is made and removed.
func withClusterServer(
  heartbeatTimeout: Duration = .seconds(60), healthSaveInterval: Duration = .seconds(3600), in directory: URL? = nil,
  _ body: (PoolServiceClient, ClusterServiceClient, ClusterTestServer) async throws -> Void
) async throws {
  let logger = Logger(label: "cluster-test")
  let folder = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("cluster-service-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  defer { if directory == nil { try? FileManager.default.removeItem(at: folder) } }
  let template = DefaultPoolTemplate(
    config: try ClusterPoolConfig(objectStoreURI: "file:///var/lib/clusterpool/default", secretStoreType: 4),
    createdBy: .application(subject: "clusterpool-server"), createdAt: Timestamp(nanosecondsSinceEpoch: 0))
  let store = try SQLiteClusterPoolStore(path: folder.appendingPathComponent("pools.db").path, defaultPool: template, logger: logger)
  let configuration = ClusterPoolService.Configuration(
    defaultOrganization: try Organization(validating: "acme"), callerIdentity: .user(subject: "tester"))
  let clusters = ClusterService(
    store: store, configuration: configuration, heartbeatTimeout: heartbeatTimeout, healthSaveInterval: healthSaveInterval)
  let queues = QueueService(store: store, clusters: clusters, configuration: configuration)
  let app = ServerApplication(
    clusterPools: ClusterPoolService(store: store, configuration: configuration), clusters: clusters, queues: queues, logger: logger)
  let server = ClusterTestServer(
    app: app, store: store, keeper: clusters.healthKeeper(logger: logger), clusters: clusters, queues: queues)
  let keeping = Task { try await server.keeper.run() }
  do {
    try await serving(app, logger: logger) { client in
      try await body(PoolServiceClient(client: client), ClusterServiceClient(client: client), server)
    }
  } catch {
    keeping.cancel()
    _ = await keeping.result
    await store.close()
    throw error
  }
  keeping.cancel()  // outside a ServiceGroup, cancellation is the keeper's shutdown: it saves, then returns
  _ = await keeping.result
  await store.close()
}
