import ClusterPoolClient
import ClusterPoolTesting
import Foundation
import Testing

/// LocalServer as its users see it: real servers on loopback ports, each with its own data,
/// gone (port, files, tasks) when `run` returns.
@Suite struct LocalServerTests {
  struct Planned: Error {}

  @Test func twoServersAtOnceEachWithItsOwnDataAndNothingLeftAfter() async throws {
    var sqlite = LocalServer.Options(organization: "beta", storage: .temporarySQLite)
    sqlite.defaultObjectStoreURI = "s3://beta-default"
    let (first, second) = try await LocalServer.run(LocalServer.Options(organization: "alpha")) { alpha in
      try await LocalServer.run(sqlite) { beta in
        #expect(alpha.port != beta.port)
        #expect(alpha.databasePath == nil)
        let path = try #require(beta.databasePath)
        #expect(FileManager.default.fileExists(atPath: path))
        try await ClusterPool.create("only-alpha", objectStoreURI: "s3://a", secretStoreType: .kubernetes, client: alpha.client)
        try await ClusterPool.create("only-beta", objectStoreURI: "s3://b", secretStoreType: .vault, client: beta.client)
        let alphaPools = try await ClusterPool.listAll(client: alpha.client).collect()
        let betaPools = try await ClusterPool.listAll(client: beta.client).collect()
        #expect(alphaPools.map(\.name) == ["default", "only-alpha"])
        #expect(betaPools.map(\.name) == ["default", "only-beta"])
        #expect(alphaPools.allSatisfy { $0.organization == "alpha" })
        #expect(betaPools.first?.objectStoreURI == "s3://beta-default")
        #expect(isListening(alpha.port) && isListening(beta.port))
        return (alpha, beta)
      }
    }
    #expect(!isListening(first.port), "the in-memory server's port is closed after run returns")
    #expect(!isListening(second.port), "the SQLite server's port is closed after run returns")
    let folder = try #require(second.databasePath.map { ($0 as NSString).deletingLastPathComponent })
    #expect(!FileManager.default.fileExists(atPath: folder), "the temporary SQLite folder is removed")
  }

  @Test func aThrowingBodyStillStopsTheServer() async throws {
    var port = 0
    await #expect(throws: Planned.self) {
      try await LocalServer.run { server in
        port = server.port
        _ = try await ClusterPool.get("default", client: server.client)
        throw Planned()
      }
    }
    #expect(port != 0 && !isListening(port))
  }

  @Test func cancellingTheTaskStopsTheServer() async throws {
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let task = Task {
      try await LocalServer.run { server in
        continuation.yield(server.port)
        while true { try await Task.sleep(for: .seconds(60)) }
      }
    }
    var iterator = ports.makeAsyncIterator()
    let port = try #require(await iterator.next())
    #expect(isListening(port))
    task.cancel()
    await #expect(throws: CancellationError.self) { try await task.value }
    #expect(!isListening(port))
  }

  @Test func authOnHandsBackAReadyAdminCredential() async throws {
    try await LocalServer.run(LocalServer.Options(organization: "acme", auth: true)) { server in
      let key = try #require(server.adminKey)
      #expect(key.organization == "acme" && key.clientID == "bootstrap-admin")
      try await ClusterPool.create("prod", objectStoreURI: "s3://p", secretStoreType: .kubernetes, client: server.client)
      var anonymous = server.settings
      anonymous.credentials = nil
      let stranger = ControlPlaneClient(settings: anonymous)
      await #expect {
        _ = try await ClusterPool.get("prod", client: stranger)
      } throws: { error in
        (error as? ClientError)?.code == .unauthenticated
      }
      await stranger.close()
    }
  }
}

/// Whether something accepts TCP connections on 127.0.0.1:`port`.
func isListening(_ port: Int) -> Bool {
  let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  guard fd >= 0 else { return false }
  defer { close(fd) }
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_port = in_port_t(UInt16(port).bigEndian)
  address.sin_addr.s_addr = inet_addr("127.0.0.1")
  return withUnsafePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
  }
}
