import ClusterPoolDomain
import ClusterPoolStore
import Logging
import Testing

@testable import ClusterPoolPostgres

/// What the PostgreSQL transaction adds to the row protocol's contract (ClusterPoolStoreTests'
/// RowTransactionContractTests run on it too): a commit that fails writes nothing and leaves
/// its connection usable for the next transaction.
@Suite(.enabled(if: TestPostgres.enabled, "needs CLUSTERPOOL_TEST_POSTGRES_URL (tools/test)"))
struct PostgresTransactionTests {
  let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
  let acme = try! Organization(validating: "acme")
  let at = Timestamp(nanosecondsSinceEpoch: 1_000)

  func pool(_ name: String, revision: UInt64) -> ClusterPool {
    ClusterPool(
      key: PoolKey(organization: acme, name: try! ResourceName(validating: name)),
      config: try! ClusterPoolConfig(objectStoreURI: "s3://bucket/\(name)", secretStoreType: 1), createdAt: at, updatedAt: at,
      createdBy: .user(subject: "alice"), updatedBy: .user(subject: "alice"), revision: revision)
  }

  @Test func aFailedCommitWritesNothingAndLeavesTheConnectionUsable() async throws {
    try await TestPostgres.withFreshDatabase { url in
      let backend = try await PostgresBackend.open(url: url, logger: logger)
      let first = try await backend.begin()
      try await first.lock([acme])
      let revision = try await first.nextRevision()
      try await first.upsert(pool("prod", revision: revision))
      let committed = try await first.commit(ChangeSet(revision: revision, pools: [pool("prod", revision: revision)]))
      #expect(committed == revision)
      // without the revision row the commit's revision cannot be taken: every commit fails
      try await TestPostgres.execute("DELETE FROM store_info WHERE key = 'revision'", on: url)
      for attempt in 0..<3 {
        let failing = try await backend.begin()
        try await failing.lock([acme])
        try await failing.upsert(pool("lost-\(attempt)", revision: revision))
        await #expect(throws: PostgresDatabaseError.self) {
          try await failing.commit(ChangeSet(revision: revision, pools: [pool("lost-\(attempt)", revision: revision)]))
        }
        let next = try await backend.begin()
        try await next.lock([acme])
        #expect(try await next.pool(pool("prod", revision: 0).key) != nil, "attempt \(attempt): the next transaction works")
        await next.rollback()
      }
      let rows = try await backend.loadAll()
      #expect(rows.pools.map(\.name.value) == ["prod"])
      #expect(rows.revision == revision)
      await backend.close()
    }
  }

  /// After a statement failed, PostgreSQL refuses the rest of the transaction: the commit fails
  /// with that first error, and the connection's later commits work (the commit's prepared
  /// statement is never prepared inside an aborted transaction, which would spoil it for the
  /// connection).
  @Test func aCommitAfterAFailedStatementFailsWithItAndLaterCommitsWork() async throws {
    try await TestPostgres.withFreshDatabase { url in
      let backend = try await PostgresBackend.open(url: url, logger: logger)
      try await TestPostgres.execute("ALTER TABLE clusters RENAME TO clusters_away", on: url)
      for attempt in 0..<3 {
        let failing = try await backend.begin()
        try await failing.lock([acme])
        let revision = try await failing.nextRevision()
        await #expect(throws: PostgresDatabaseError.self) {
          _ = try await failing.cluster(ClusterKey(organization: acme, name: try ResourceName(validating: "c1", kind: "cluster")))
        }
        try await failing.upsert(pool("lost-\(attempt)", revision: revision))
        do {
          try await failing.commit(ChangeSet(revision: revision, pools: [pool("lost-\(attempt)", revision: revision)]))
          Issue.record("a commit after a failed statement succeeded")
        } catch let error as PostgresDatabaseError {
          #expect(error.description.contains("clusters"), "the first failure: \(error)")
        }
      }
      try await TestPostgres.execute("ALTER TABLE clusters_away RENAME TO clusters", on: url)
      for attempt in 0..<12 {  // more than the pool's connections: each is used again
        let tx = try await backend.begin()
        try await tx.lock([acme])
        let revision = try await tx.nextRevision()
        try await tx.upsert(pool("kept-\(attempt)", revision: revision))
        try await tx.commit(ChangeSet(revision: revision, pools: [pool("kept-\(attempt)", revision: revision)]))
      }
      let rows = try await backend.loadAll()
      #expect(rows.pools.count == 12 && rows.pools.allSatisfy { $0.name.value.hasPrefix("kept-") })
      await backend.close()
    }
  }

  @Test func anOrganizationsWritesWaitForEachOtherAcrossServers() async throws {
    try await TestPostgres.withFreshDatabase { url in
      // two backends on one database: two servers
      let a = try await PostgresBackend.open(url: url, logger: logger)
      let b = try await PostgresBackend.open(url: url, logger: logger)
      let other = try! Organization(validating: "other")
      let first = try await a.begin()
      try await first.lock([acme, other])
      let second = Task {
        let tx = try await b.begin()
        try await tx.lock([acme])
        let seen = try await tx.pool(pool("prod", revision: 0).key)
        await tx.rollback()
        return seen
      }
      // b waits on the advisory lock (pg_stat_activity says so) while a holds it
      try await waitUntil("b waits for acme's lock") { try await advisoryWaiters(url) == 1 }
      // another organization is not held up
      let third = try await b.begin()
      try await third.lock([try! Organization(validating: "third")])
      await third.rollback()
      let revision = try await first.nextRevision()
      try await first.upsert(pool("prod", revision: revision))
      try await first.commit(ChangeSet(revision: revision, pools: [pool("prod", revision: revision)]))
      // once a committed, b goes on and reads what a wrote
      #expect(try await second.value?.name.value == "prod")
      await a.close()
      await b.close()
    }
  }

  func advisoryWaiters(_ url: PostgresURL) async throws -> Int {
    let client = try PostgresStoreClient(url: url, logger: logger)
    let count = try await client.withConnection("count lock waiters") { connection in
      var count = 0
      for try await n in try await connection.query(
        "SELECT count(*)::int FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
        logger: logger
      ).decode(Int.self) { count = n }
      return count
    }
    await client.close()
    return count
  }
}

/// Polls `condition` every 20 ms until it holds; fails after 30 s (a loaded machine is slow,
/// never this slow).
func waitUntil(_ what: String, _ condition: () async throws -> Bool) async throws {
  let deadline = ContinuousClock.now + .seconds(30)
  while try await !condition() {
    guard ContinuousClock.now < deadline else {
      Issue.record("timed out waiting until \(what)")
      return
    }
    try await Task.sleep(for: .milliseconds(20))
  }
}
