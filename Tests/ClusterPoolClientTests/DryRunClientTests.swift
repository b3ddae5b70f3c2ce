import ClusterPoolClient
import ClusterPoolDomain
import ClusterPoolServer
import ClusterPoolSQLite
import ClusterPoolStore
import Foundation
import Logging
import RPCCore
import RPCHTTP2

import Testing

/// The client's dry runs (`ControlPlaneClient.dryRunClient()`) against the real server: every
/// call carries `clusterpool-dry-run: true`; no write goes out before an answer echoed it; the
/// server's dry run answers and writes nothing. Against a server that ignores the header (the
/// pool service served without the server's call policies, as an older server or another
/// implementation would) the write is refused before it is sent.
@Suite struct DryRunClientTests {
  @Test func aDryRunClientWritesNothingAndWaitsForTheEcho() async throws {
    try await withPoolServer { client, _ in
      let dry = client.dryRunClient()
      #expect(dry.isDryRun && !client.isDryRun && !dry.serverConfirmedDryRun)
      await expectStatus(.failedPrecondition, containing: "does not support dry run; nothing was sent") {
        try await ClusterPool.create("prod", objectStoreURI: "s3://b/prod", secretStoreType: .vault, client: dry)
      }
      _ = try await ClusterPool.get("default", client: dry)
      #expect(dry.serverConfirmedDryRun)
      try dry.requireDryRunSupport()
      try await ClusterPool.create("prod", objectStoreURI: "s3://b/prod", secretStoreType: .vault, client: dry)
      await expectStatus(.notFound) { _ = try await ClusterPool.get("prod", client: client) }
      try await ClusterPool.create("prod", objectStoreURI: "s3://b/prod", secretStoreType: .vault, client: client)
      await expectStatus(.alreadyExists, containing: "prod") {
        try await ClusterPool.create("prod", objectStoreURI: "s3://b/prod", secretStoreType: .vault, client: dry)
      }
      #expect(try await ClusterPool.get("prod", client: client).objectStoreURI == "s3://b/prod")
    }
  }

  @Test func aServerThatIgnoresTheHeaderGetsNoWrite() async throws {
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
    let registry = MethodRegistry()
    ClusterPoolService(store: store, configuration: configuration).register(in: registry)  // no call policies
    let server = RPCServer(
      configuration: ServerConfiguration(host: "127.0.0.1", port: 0, eventLoopThreads: 1), registry: registry, logger: logger)
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await server.run() }
      defer { group.cancelAll() }
      let address = try await server.listeningAddress
      let client = ControlPlaneClient(settings: .server(host: address.host, port: address.port), logger: logger)
      let dry = client.dryRunClient()
      _ = try await ClusterPool.get("default", client: dry)
      #expect(!dry.serverConfirmedDryRun)
      await expectStatus(.failedPrecondition, containing: "the server at \(address.host):\(address.port) does not support dry run") {
        try await ClusterPool.create("prod", objectStoreURI: "s3://b/prod", secretStoreType: .vault, client: dry)
      }
      #expect(store.pool(PoolKey(organization: try Organization(validating: "acme"), name: try ResourceName(validating: "prod"))) == nil)
      await client.close()
    }
    await store.close()
  }
}
