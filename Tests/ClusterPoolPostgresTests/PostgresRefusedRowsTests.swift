import ClusterPoolDomain
import Logging
import Synchronization
import Testing

@testable import ClusterPoolPostgres
@testable import ClusterPoolStore

/// A batch's rows are sent at its commit in one statement: a row PostgreSQL refuses fails the
/// whole batch before COMMIT. The core then runs each write again alone, so that only the
/// write at fault fails and every caller is answered exactly once.
@Suite(.enabled(if: TestPostgres.enabled, "needs CLUSTERPOOL_TEST_POSTGRES_URL (tools/test)"))
struct PostgresRefusedRowsTests: AcmeStoreValues {
  @Test func aRefusedRowFailsOnlyItsOwnWrite() async throws {
    try await TestPostgres.withFreshDatabase { url in
      let backend = try await PostgresBackend.open(url: url, logger: logger)
      let store = try await PoolStore.open(backend: backend, defaultPool: template, logger: logger)
      // a constraint the rules know nothing of: the database refuses the row (SQLSTATE 23514)
      try await TestPostgres.execute("ALTER TABLE cluster_pools ADD CONSTRAINT no_refused CHECK (name <> 'refused')", on: url)
      let answers = Mutex<[String: [Result<Void, DomainError>]]>([:])
      let names = ["first", "refused", "second", "first"]  // the second "first" is refused by the rules
      let batch = names.map { name in
        PendingWrite(
          organizations: [acme], reads: .pools(acme, poolKey(name)),
          apply: { [alice = alice, config = config(), key = poolKey(name)] tx in
            _ = try await PoolWrites.apply(.create(key, config, sentMembers: []), by: alice, in: tx)
            return { _ in answers.withLock { $0[name, default: []].append(.success(())) } }
          },
          fail: { error in answers.withLock { $0[name, default: []].append(.failure(error)) } })
      }
      // one batch, as the write loop would take them
      await store.core.commit(batch)

      let answered = answers.withLock { $0 }
      #expect(answered["second"]?.count == 1 && (try? answered["second"]?.first?.get()) != nil, "\(answered)")
      let first = answered["first"] ?? []
      #expect(first.count == 2, "each caller answered once: \(first)")
      #expect(first.filter { (try? $0.get()) != nil }.count == 1)
      #expect(first.contains { if case .failure(let error) = $0 { error.code == .alreadyExists } else { false } })
      guard case .failure(let refused)? = answered["refused"]?.first, answered["refused"]?.count == 1 else {
        Issue.record("the refused write is answered once, with a failure: \(answered)")
        return
      }
      #expect(refused.code == .unavailable)
      #expect("\(refused)".contains("no_refused"), "names the cause: \(refused)")
      #expect(store.pool(poolKey("first")) != nil && store.pool(poolKey("second")) != nil)
      #expect(store.pool(poolKey("refused")) == nil)
      let rows = try await backend.loadAll()
      #expect(Set(rows.pools.map(\.name.value)) == ["default", "first", "second"])
      await store.close()
    }
  }
}
