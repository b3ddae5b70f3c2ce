import ClusterPoolClient
import Testing

/// Runs `body` against the real server with the pool, cluster and queue services over one
/// SQLite file (organization `acme`, caller `tester`).
func withQueueControlPlane(_ body: (ControlPlaneClient) async throws -> Void) async throws {
  try await withPoolServer { client, _ in try await body(client) }
}

/// `Queue` against the real QueueService: create, get, update, drain, delete, undelete,
/// activate, listing, and the rules' rejections as `ClientError`s with their codes.
@Suite struct QueueEndToEndTests {
  static func createProd(_ client: ControlPlaneClient) async throws {
    try await ClusterPool.create(
      "prod", objectStoreURI: "s3://my-prod-bucket/prefix", secretStoreType: .awsSecretsManager, client: client)
  }

  @Test func queueLifecycle() async throws {
    try await withQueueControlPlane { client in
      try await Self.createProd(client)
      try await Cluster.create("c1", clusterPoolName: "prod", client: client)
      let created = try await Queue.create(
        "gpu", runConcurrency: 2, actionConcurrency: 3, clusterPoolName: "prod", clusters: ["c1"], depth: 10,
        priority: .max, fairness: .roundRobin, client: client)
      #expect(created.state == .active && created.stateGeneration == 1)
      #expect(created.availableClusters == ["c1"] && created.pool == "prod" && created.createdBy == "tester")
      let updated = try await Queue.update("gpu", runConcurrency: 5, client: client)
      #expect(updated.spec.runConcurrency == 5 && updated.spec.priority == .max && updated.spec.clusters == ["c1"])
      await #expect { try await Queue.delete("gpu", client: client) } throws: {
        ($0 as? ClientError)?.code == .failedPrecondition
      }
      let drained = try await Queue.drain("gpu", expectedStateGeneration: 1, client: client)
      #expect(drained.state == .drained && drained.stateGeneration == 2)
      await #expect { try await Queue.activate("gpu", expectedStateGeneration: 1, client: client) } throws: {
        ($0 as? ClientError)?.code == .aborted
      }
      let deleted = try await Queue.delete("gpu", client: client)
      #expect(deleted?.isDeleted == true)
      #expect(try await Queue.get("gpu", client: client).isDeleted)
      #expect(try await Queue.listAll(deleted: true, client: client).collect().map(\.name) == ["gpu"])
      #expect(try await Queue.undelete("gpu", client: client).state == .drained)
      #expect(try await Queue.activate("gpu", client: client).state == .active)
      let names = try await Queue.listAll(client: client).collect().map(\.name)
      #expect(names == ["c1", "default", "gpu"])
      #expect(try await Queue.listAll(nameContains: "gp", client: client).collect().map(\.name) == ["gpu"])
      #expect(try await Queue.listAll(pool: "prod", client: client).collect().map(\.name) == ["c1", "gpu"])
      try await Queue.drain("gpu", client: client)
      #expect(try await Queue.listAll(state: .drained, client: client).collect().map(\.name) == ["gpu"])
      #expect(try await Queue.listAll(limit: 2, pageSize: 1, client: client).collect().map(\.name) == ["c1", "default"])
    }
  }

  @Test func implicitAndDefaultQueues() async throws {
    try await withQueueControlPlane { client in
      try await Self.createProd(client)
      try await Cluster.create("c1", clusterPoolName: "prod", client: client)
      let implicit = try await Queue.get("c1", client: client)
      #expect(implicit.clusterManaged && implicit.pool == "prod" && implicit.availableClusters == ["c1"])
      await #expect { try await Queue.drain("c1", client: client) } throws: {
        ($0 as? ClientError)?.code == .failedPrecondition
      }
      await #expect { try await Queue.update("c1", runConcurrency: 1, client: client) } throws: {
        ($0 as? ClientError)?.code == .failedPrecondition
      }
      try await Cluster.drain("c1", client: client)
      #expect(try await Queue.get("c1", client: client).availableClusters == [])
      let fallback = try await Queue.get("default", client: client)
      #expect(fallback.pool == "default" && !fallback.clusterManaged && fallback.state == .active)
      await #expect { try await Queue.create("default", runConcurrency: 1, actionConcurrency: 1, client: client) } throws: {
        ($0 as? ClientError)?.code == .alreadyExists
      }
      await #expect {
        try await Queue.create("q", runConcurrency: 1, actionConcurrency: 1, clusterPoolName: "missing", client: client)
      } throws: {
        ($0 as? ClientError)?.code == .notFound
      }
      await #expect {
        try await Queue.create("q", runConcurrency: 1, actionConcurrency: 1, clusterPoolName: "prod", clusters: ["zz"], client: client)
      } throws: {
        ($0 as? ClientError)?.code == .failedPrecondition
      }
      // moving pools needs DRAINED
      let queue = try await Queue.create("q", runConcurrency: 1, actionConcurrency: 1, clusterPoolName: "prod", client: client)
      #expect(queue.pool == "prod")
      await #expect { try await Queue.update("q", clusterPoolName: "default", client: client) } throws: {
        ($0 as? ClientError)?.code == .failedPrecondition
      }
      try await Queue.drain("q", client: client)
      #expect(try await Queue.update("q", clusterPoolName: "default", client: client).pool == "default")
    }
  }
}
