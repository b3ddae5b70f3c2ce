import ClusterPoolClient
import ClusterPoolTesting
import Foundation
import PoolAutomation
import Testing

@Suite struct EnvironmentsTests {
  /// Two servers at once, each with its own data; once `run` returns, the port is closed and
  /// the SQLite file's folder is gone.
  @Test func ensurePoolsOnTwoServersAtOnce() async throws {
    let environments = Environments(names: ["dev", "prod"], bucketPrefix: "s3://acme-")
    let (first, second) = try await LocalServer.run { memory in
      try await LocalServer.run(LocalServer.Options(storage: .temporarySQLite)) { sqlite in
        try await ClusterPool.create("dev", objectStoreURI: "s3://acme-dev", secretStoreType: .kubernetes, client: sqlite.client)

        #expect(try await environments.ensurePools(client: memory.client) == ["dev", "prod"])
        #expect(try await environments.ensurePools(client: sqlite.client) == ["prod"])
        #expect(try await environments.ensurePools(client: memory.client) == [], "a second run changes nothing")
        #expect(try await ClusterPool.get("prod", client: sqlite.client).objectStoreURI == "s3://acme-prod")
        return (memory, sqlite)
      }
    }
    for server in [first, second] {
      let late = ControlPlaneClient(settings: server.settings)
      await #expect("the port is closed") {
        _ = try await ClusterPool.get("default", client: late)
      } throws: { error in
        (error as? ClientError)?.isConnectionFailure == true
      }
      await late.close()
    }
    let folder = try #require(second.databasePath.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path })
    #expect(!FileManager.default.fileExists(atPath: folder), "the database's folder is removed")
  }
}
