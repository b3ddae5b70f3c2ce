import ClusterPoolClient
import Testing

/// `Cluster` against the real server (ClusterService over the same SQLite store as the pools):
/// the seed's call verbatim, the move sequence, generation guards under contention, listing.
@Suite struct ClusterEndToEndTests {
  static func createProd(_ client: ControlPlaneClient) async throws {
    try await ClusterPool.create(
      "prod", objectStoreURI: "s3://my-prod-bucket/prefix", secretStoreType: .awsSecretsManager,
      secretStoreLocator: "us-east-1", imageRegistry: "123456789012.dkr.ecr.us-east-1.amazonaws.com/union",
      client: client)
  }

  @Test func theSeedsCreateCallRegistersIntoThePool() async throws {
    try await withClusterControlPlane { client in
      try await Self.createProd(client)
      try await ControlPlaneClient.withClient(client) {
        try await Cluster.create("prod-us-east-1", clusterPoolName: "prod")
      }
      let cluster = try await Cluster.get("prod-us-east-1", client: client)
      #expect(cluster.pool == "prod")
      #expect(cluster.state == .active)
      #expect(cluster.queues.contains("prod-us-east-1"))
      #expect(cluster.organization == "acme")
      #expect(cluster.createdBy == "tester")
      #expect(try await ClusterPool.get("prod", client: client).memberClusters == ["prod-us-east-1"])
      #expect(try await Cluster.listAll(pool: "prod", client: client).collect().map(\.name) == ["prod-us-east-1"])
      #expect(try await Cluster.count(pool: "prod", client: client) == 1)
    }
  }

  @Test func registeringAgainOrElsewhereIsRejected() async throws {
    try await withClusterControlPlane { client in
      try await Self.createProd(client)
      try await Cluster.create("c1", clusterPoolName: "prod", client: client)
      await #expect { try await Cluster.create("c1", clusterPoolName: "prod", client: client) } throws: {
        ($0 as? ClientError)?.code == .alreadyExists
      }
      await #expect { try await Cluster.create("c1", client: client) } throws: {
        guard let error = $0 as? ClientError else { return false }
        return error.code == .failedPrecondition && error.message.contains("drain")
      }
      await #expect { try await Cluster.get("nope", client: client) } throws: {
        ($0 as? ClientError)?.code == .notFound
      }
    }
  }

  @Test func theMoveSequence() async throws {
    try await withClusterControlPlane { client in
      try await Self.createProd(client)
      try await Cluster.create("c1", clusterPoolName: "prod", client: client)
      let draining = try await Cluster.drain("c1", client: client)
      #expect(draining.state == .draining || draining.state == .drained)
      try await Cluster.delete("c1", client: client)
      #expect(try await Cluster.get("c1", includeDeleted: true, client: client).isDeleted)
      #expect(try await Cluster.listAll(deleted: true, client: client).collect().map(\.name) == ["c1"])
      try await Cluster.create("c1", clusterPoolName: "default", client: client)
      #expect(try await Cluster.get("c1", client: client).pool == "default")
      #expect(try await ClusterPool.get("prod", client: client).memberClusters == [])
    }
  }

  @Test func aStaleGenerationIsAbortedAndFiftyConcurrentDrainsHaveOneWinner() async throws {
    try await withClusterControlPlane { client in
      try await Cluster.create("c1", client: client)
      let generation = try await Cluster.get("c1", client: client).generation
      let outcomes = await withTaskGroup(of: ClientError.Code?.self) { group in
        for _ in 0..<50 {
          group.addTask {
            do {
              try await Cluster.drain("c1", expectedGeneration: generation, client: client)
              return nil
            } catch {
              return (error as? ClientError)?.code ?? .unknown
            }
          }
        }
        return await group.reduce(into: [ClientError.Code?]()) { $0.append($1) }
      }
      #expect(outcomes.filter { $0 == nil }.count == 1)
      #expect(outcomes.compactMap { $0 }.allSatisfy { $0 == .aborted })
      let active = try await Cluster.activate("c1", client: client)
      #expect(active.state == .active)
      #expect(active.generation > generation)
    }
  }

  @Test func aDataPlaneThatDiffersFromItsPoolIsUnhealthyWithOneReasonPerItem() async throws {
    try await withClusterControlPlane { client in
      try await Self.createProd(client)
      try await Cluster.create("c1", clusterPoolName: "prod", client: client)
      try await Cluster.heartbeat("c1", client: client)
      let prod = try await ClusterPool.get("prod", client: client).config
      try await Cluster.reportStatus("c1", dataPlane: prod, healthy: true, client: client)
      let matching = try await Cluster.get("c1", client: client)
      #expect(matching.health == .healthy)
      #expect(matching.unhealthyReasons == [])

      var drifted = prod
      drifted.objectStoreURI = "s3://elsewhere"
      drifted.imageRegistry = "other.example.com/union"
      try await Cluster.reportStatus("c1", dataPlane: drifted, healthy: true, client: client)
      let unhealthy = try await Cluster.get("c1", client: client)
      #expect(unhealthy.health == .unhealthy)
      #expect(unhealthy.unhealthyReasons.count == 2)
      #expect(unhealthy.unhealthyReasons.contains { $0.contains("s3://elsewhere") && $0.contains("prod") })
      let detail = try ClusterFormatter.detail(unhealthy, format: .table)
      for reason in unhealthy.unhealthyReasons { #expect(detail.contains("- \(reason)\n")) }

      try await Cluster.reportStatus("c1", dataPlane: prod, healthy: true, client: client)
      #expect(try await Cluster.get("c1", client: client).health == .healthy)
    }
  }

  @Test func watchSeesCreateDrainAndDeleteInOrder() async throws {
    try await withClusterControlPlane { client in
      var events = Cluster.watch(client: client).makeAsyncIterator()
      #expect(try await events.next()?.kind == .snapshot)
      try await Cluster.create("w1", client: client)
      let created = try await events.next()
      #expect(created?.kind == .change)
      #expect(created?.clusters.map(\.name) == ["w1"])
      #expect(created?.clusters.first?.state == .active)
      try await Cluster.drain("w1", client: client)
      let drained = try await events.next()?.clusters.first?.state
      #expect(drained == .draining || drained == .drained)
      try await Cluster.delete("w1", client: client)
      var last = try await events.next()?.clusters.first?.state
      while last == .draining || last == .drained { last = try await events.next()?.clusters.first?.state }
      #expect(last == .deleted || last == .deleting)
    }
  }
}
