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
      try await first.lock(acme)
      let revision = try await first.nextRevision()
      try await first.upsert(pool("prod", revision: revision))
      try await first.commit(ChangeSet(revision: revision, pools: [pool("prod", revision: revision)]))
      for attempt in 0..<3 {
        let failing = try await backend.begin()
        try await failing.lock(acme)
        try await failing.upsert(pool("lost-\(attempt)", revision: revision))
        // a change-log row at a revision already logged: the commit fails
        await #expect(throws: PostgresDatabaseError.self) {
          try await failing.commit(ChangeSet(revision: revision, pools: [pool("lost-\(attempt)", revision: revision)]))
        }
        let next = try await backend.begin()
        try await next.lock(acme)
        #expect(try await next.pool(pool("prod", revision: 0).key) != nil, "attempt \(attempt): the next transaction works")
        await next.rollback()
      }
      let rows = try await backend.loadAll()
      #expect(rows.pools.map(\.name.value) == ["prod"])
      #expect(rows.revision == revision)
      await backend.close()
    }
  }
}
