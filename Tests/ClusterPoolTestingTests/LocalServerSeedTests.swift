import ClusterPoolClient
import ClusterPoolTesting
import Foundation
import Testing

/// LocalServer seeded from the documents `flyte apply` reads: a folder of files and a text.
@Suite struct LocalServerSeedTests {
  /// In any order: the engine applies pools, then clusters, then queues.
  static let organization = """
    kind: Cluster
    name: b1
    pool: batch
    ---
    kind: Queue
    name: cpu
    spec: {run_concurrency: 2, action_concurrency: 3, cluster_pool_name: batch}
    ---
    kind: ClusterPool
    name: batch
    config: {object_store_ref: {uri: "s3://batch"}, secret_store: {type: VAULT}}

    """

  @Test func theSeedIsAppliedBeforeTheBodyRuns() async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("seed-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    try Self.organization.write(to: folder.appendingPathComponent("org.yaml"), atomically: true, encoding: .utf8)
    var options = LocalServer.Options(organization: "acme")
    options.seed = [folder.path]
    options.seedDocuments = """
      kind: ClusterPool
      name: staging
      config:
        object_store_ref: {uri: "s3://staging"}
        secret_store: {type: KUBERNETES}

      """
    try await LocalServer.run(options) { server in
      let pools = try await ClusterPool.listAll(client: server.client).collect()
      #expect(pools.map(\.name) == ["batch", "default", "staging"])
      #expect(pools.first { $0.name == "batch" }?.memberClusters == ["b1"])
      #expect(try await Queue.get("cpu", client: server.client).spec.clusterPoolName == "batch")
    }
  }

  @Test func aDocumentTheEngineRefusesStopsTheStartWithItsFileAndLine() async throws {
    var options = LocalServer.Options()
    options.seedDocuments = "kind: Clusterr\nname: c1\n"
    await #expect {
      try await LocalServer.run(options) { _ in Issue.record("the body ran despite a bad seed") }
    } throws: { error in
      "\(error)".contains("seedDocuments:1")
    }
  }
}
