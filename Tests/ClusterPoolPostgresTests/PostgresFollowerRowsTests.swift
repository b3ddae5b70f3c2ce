import ClusterPoolDomain
import ClusterPoolStore
import Foundation
import Logging
import PostgresNIO
import Testing

@testable import ClusterPoolPostgres

/// The rows a follower's one-statement catch-up (``PostgresChangeStatement``) brings besides
/// pools: queues of their own with their caps and pins, a deleted cluster's implicit queue
/// removed when its name is registered again, deleted pools (no members), several commits of
/// mixed rows read in one batch; and an entry whose keys it cannot read makes it reload.
@Suite(.enabled(if: TestPostgres.enabled, "needs CLUSTERPOOL_TEST_POSTGRES_URL (tools/test)"))
struct PostgresFollowerRowsTests: AcmeStoreValues {
  func replica(_ url: PostgresURL, poll: Duration = .seconds(30)) async throws -> PostgresFollowerTests.Replica {
    try await PostgresFollowerTests().replica(url, poll: poll)
  }

  func eventually(_ what: String, _ condition: () -> Bool) async throws {
    try await PostgresFollowerTests().eventually(what, condition)
  }

  func name(_ value: String) -> ResourceName { try! ResourceName(validating: value) }
  func queueKey(_ value: String) -> QueueKey { QueueKey(organization: acme, name: try! ResourceName(validating: value, kind: "queue")) }

  @Test func queuesClustersAndRemovedImplicitQueuesReachTheOtherReplica() async throws {
    try await TestPostgres.withFreshDatabase { url in
      let a = try await replica(url)
      let b = try await replica(url)
      try await eventually("both listening") { a.follower.connections == 1 && b.follower.connections == 1 }

      _ = try await a.store.execute(.create(poolKey("prod"), config(), sentMembers: []), by: alice)
      _ = try await a.store.execute(.create(poolKey("spare"), config("gs://spare"), sentMembers: []), by: alice)
      _ = try await a.store.registerCluster(clusterKey("c1"), into: name("prod"), by: alice)
      _ = try await a.store.registerCluster(clusterKey("c2"), into: name("prod"), by: alice)
      var spec = QueueSpec(runConcurrency: 4, depth: 9, priority: 50, poolName: name("prod"), clusters: [name("c1")])
      spec.maxResources = [ResourceCap(resource: 1, quantity: KubernetesQuantity("64")!)]
      let gpu = try await a.store.createQueue(queueKey("gpu"), spec, state: .active, by: alice)
      // c2 deleted (never reported: DELETED at once) and registered again into another pool:
      // its old implicit queue is removed and written again in the new pool
      _ = try await a.store.changeCluster(clusterKey("c2"), .delete(expectedGeneration: nil), by: alice)
      _ = try await a.store.registerCluster(clusterKey("c2"), into: name("spare"), by: alice)
      _ = try await a.store.changeCluster(clusterKey("c2"), .delete(expectedGeneration: nil), by: alice)
      let deleted = try await a.store.execute(.delete(poolKey("spare")), by: alice)

      // (A's own revision counts its commits only once its follower has read past them)
      try await eventually("B at A's last commit") { b.store.revision >= deleted.revision }
      let (sa, sb) = (a.store.snapshot(), b.store.snapshot())
      #expect(sb.queue(queueKey("gpu")) == gpu)
      #expect(sb.queues(in: acme) == sa.queues(in: acme))
      #expect(sb.clusters(in: acme, includeDeleted: true) == sa.clusters(in: acme, includeDeleted: true))
      #expect(b.store.pool(poolKey("prod"))?.memberClusters.map(\.value) == ["c1"])
      #expect(b.store.pool(poolKey("prod")) == a.store.pool(poolKey("prod")))
      #expect(b.store.pool(poolKey("spare")) == a.store.pool(poolKey("spare")))
      #expect(b.store.pool(poolKey("spare"))?.isDeleted == true)
      #expect(b.store.cluster(clusterKey("c2"))?.poolName.value == "spare")
      await a.close()
      await b.close()
    }
  }

  @Test func anEntryWhoseKeysCannotBeReadMakesTheFollowerReload() async throws {
    try await TestPostgres.withFreshDatabase { url in
      let a = try await replica(url)
      let b = try await replica(url)
      try await eventually("both listening") { a.follower.connections == 1 && b.follower.connections == 1 }
      _ = try await a.store.execute(.create(poolKey("before"), config(), sentMembers: []), by: alice)
      try await eventually("B sees the first pool") { b.store.pool(poolKey("before")) != nil }
      #expect(b.follower.counts.withLock { $0.reloads } == 0)
      // an entry as a newer server might write it (a list this one does not know), with a pool
      // row written beside it by hand: B cannot tell what changed, so it reads every row again
      try await TestPostgres.execute(
        """
        WITH next AS (UPDATE store_info SET value = value + 1 WHERE key = 'revision' RETURNING value),
        pool AS (
          INSERT INTO cluster_pools (organization, name, object_store_uri, object_store_endpoint, secret_store_type,
            secret_store_locator, image_registry, created_at_ns, updated_at_ns, deleted_at_ns, created_by, updated_by, revision)
          SELECT 'acme', 'by-hand', 's3://hand', '', 1, '', '', 1, 1, NULL, 'user:alice', 'user:alice', value FROM next
        ), logged AS (
          INSERT INTO change_log (revision, organizations, changes, replica)
          SELECT value, ARRAY['acme'], '{"widgets": [["acme", "by-hand"]]}', 'newer' FROM next RETURNING revision
        )
        SELECT pg_notify('clusterpool_changes', revision::text) FROM logged
        """, on: url)
      try await eventually("B reloaded and has the row written by hand") { b.store.pool(poolKey("by-hand")) != nil }
      #expect(b.follower.counts.withLock { $0.reloads } == 1)
      // and it follows on after the reload
      let later = try await a.store.execute(.create(poolKey("later"), config(), sentMembers: []), by: alice)
      try await eventually("B follows on") { b.store.pool(poolKey("later")) == later }
      await a.close()
      await b.close()
    }
  }
}

extension PostgresFollowerRowsTests {
  /// A notification of a commit the follower has read already (PostgreSQL delivers those
  /// that came during a catch-up after it) runs no statement; one above it does.
  @Test func aNotificationOfACommitAlreadyReadRunsNoStatement() async throws {
    try await TestPostgres.withFreshDatabase { url in
      let a = try await replica(url)
      let b = try await replica(url)
      try await eventually("both listening") { a.follower.connections == 1 && b.follower.connections == 1 }
      let created = try await a.store.execute(.create(poolKey("prod"), config(), sentMembers: []), by: alice)
      try await eventually("B read A's commit") { b.follower.appliedRevision >= created.revision }
      let reads = b.follower.counts.withLock { $0.reads }
      for _ in 0..<5 {
        try await TestPostgres.execute("SELECT pg_notify('clusterpool_changes', '\(created.revision)')", on: url)
      }
      try await TestPostgres.execute("SELECT pg_notify('clusterpool_changes', '\(created.revision + 1)')", on: url)
      try await eventually("B read after the newer notification") { b.follower.counts.withLock { $0.reads } > reads }
      #expect(b.follower.counts.withLock { $0.reads } == reads + 1, "the five stale notifications ran no statement")
      await a.close()
      await b.close()
    }
  }
}
