import ClusterPoolClient
import ClusterPoolTesting
import Foundation
import Testing

/// LocalServer seeded from the documents `flyte apply` reads: a folder of files and a text.
@Suite struct LocalServerSeedTests {
  static let organization = """
    kind: ClusterPool
    name: prod
    config:
      object_store_ref: {uri: "s3://prod"}
      secret_store: {type: AWS_SECRETS_MANAGER, locator: us-east-1}
    ---
    kind: Cluster
    name: c1
    pool: prod
    ---
    kind: Queue
    name: gpu
    spec:
      run_concurrency: 4
      action_concurrency: 8
      cluster_pool_name: prod

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
      #expect(pools.map(\.name) == ["default", "prod", "staging"])
      #expect(pools.first { $0.name == "prod" }?.memberClusters == ["c1"])
      #expect(try await Queue.get("gpu", client: server.client).spec.clusterPoolName == "prod")
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
