import ClusterPoolClient
import ClusterPoolDomain
import ClusterPoolServer
import ClusterPoolSQLite
import ClusterPoolStore
import Foundation
import Logging
import RPCHTTP2

/// Runs `body` against the real server assembled as `clusterpool-server` assembles it (SQLite
/// file in a temporary directory, ClusterPoolService, RPCServer on a loopback port), with a
/// `ControlPlaneClient` for it, then stops everything. `servingClusters` adds ClusterService
/// over the same store, `servingQueues` ClusterService and QueueService.
func withPoolServer(
  organization: String = "", servingClusters: Bool = false, servingQueues: Bool = false,
  _ body: (ControlPlaneClient, ConnectionSettings) async throws -> Void
) async throws {
  let logger = Logger(label: "client-test")
  let directory = try TemporaryDirectory()
  defer { directory.remove() }
  let template = DefaultPoolTemplate(
    config: try ClusterPoolDomain.ClusterPoolConfig(
      objectStoreURI: "s3://shared-default", secretStoreType: ClusterPoolDomain.SecretStoreType.kubernetes.rawValue),
    createdBy: .application(subject: "clusterpool-server"), createdAt: Timestamp(nanosecondsSinceEpoch: 0))
  let store = try SQLiteClusterPoolStore(path: directory.path + "/pools.db", defaultPool: template, logger: logger)
  let configuration = ClusterPoolService.Configuration(
    defaultOrganization: try Organization(validating: "acme"), callerIdentity: .user(subject: "tester"))
  let clusters = servingClusters || servingQueues ? ClusterService(store: store, configuration: configuration) : nil
  let app = ServerApplication(
    clusterPools: ClusterPoolService(store: store, configuration: configuration), clusters: clusters,
    queues: servingQueues ? clusters.map { QueueService(store: store, clusters: $0, configuration: configuration) } : nil,
    logger: logger)
  let server = RPCServer(
    configuration: ServerConfiguration(host: "127.0.0.1", port: 0, eventLoopThreads: 1), registry: app.registry,
    logger: logger)
  try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask { try await server.run() }
    defer { group.cancelAll() }
    let address = try await server.listeningAddress
    let settings = ConnectionSettings.server(host: address.host, port: address.port, organization: organization)
    let client = ControlPlaneClient(settings: settings, logger: logger)
    do {
      try await body(client, settings)
      await client.close()
    } catch {
      await client.close()
      throw error
    }
  }
  await store.close()
}
