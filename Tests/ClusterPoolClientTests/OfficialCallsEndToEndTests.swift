import ClusterPoolClient
import Testing

/// The calls the official CLI makes that this server answers by its own rules, through the
/// Swift client against the real server: a queue scoped to a project or domain, and a
/// cluster move (UpdateCluster).
@Suite struct OfficialCallsEndToEndTests {
  @Test func aQueueScopeIsSentAndRefusedByTheServer() async throws {
    try await withQueueControlPlane { client in
      let scopes = [QueueScope(project: "p"), QueueScope(domain: "development"), QueueScope(project: "p", domain: "d")]
      for scope in scopes {
        await #expect {
          try await Queue.create("scoped", runConcurrency: 1, actionConcurrency: 1, scope: scope, client: client)
        } throws: {
          guard let error = $0 as? ClientError else { return false }
          return error.code == .invalidArgument && error.message.contains("queues belong to an organization")
        }
        await #expect { try await Queue.get("default", scope: scope, client: client) } throws: {
          ($0 as? ClientError)?.code == .invalidArgument
        }
      }
      let unscoped = try await Queue.get("default", scope: .organization, client: client)
      #expect(unscoped.name == "default")
      #expect(QueueScope(project: "", domain: nil) == .organization)
    }
  }

  @Test func aClusterMoveIsRefused() async throws {
    try await withClusterControlPlane { client in
      try await ClusterEndToEndTests.createProd(client)
      try await Cluster.create("c1", client: client)
      await #expect { try await Cluster.update("c1", clusterPoolName: "prod", client: client) } throws: {
        ($0 as? ClientError)?.code == .failedPrecondition
      }
      #expect(try await Cluster.get("c1", client: client).pool == "default")
      await #expect { try await Cluster.update("nope", clusterPoolName: "prod", client: client) } throws: {
        ($0 as? ClientError)?.code == .notFound
      }
    }
  }
}
