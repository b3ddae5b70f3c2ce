import ClusterPoolDomain
import Foundation
import Testing

@testable import ClusterPoolSQLite
@testable import ClusterPoolStore

@Suite struct SQLiteClusterPoolStoreTests {
  @Test func writesAreVisibleAndSurviveReopen() async throws {
    try await TemporaryDatabase.with { database, store in
      let created = try await store.execute(.create(key("prod"), config(), sentMembers: []), by: alice)
      #expect(store.pool(key("prod")) == created)
      _ = try await store.execute(.update(key("prod"), config("gs://other", type: 2), sentMembers: []), by: .application(subject: "bot"))
      _ = try await store.execute(.create(key("gone"), config(), sentMembers: []), by: alice)
      _ = try await store.execute(.delete(key("gone")), by: alice)
      let before = try #require(store.pool(key("prod")))
      let gone = try #require(store.pool(key("gone")))
      await store.close()

      let reopened = try database.open()
      defer { Task { await reopened.close() } }
      #expect(reopened.pool(key("prod")) == before)
      #expect(reopened.pool(key("prod"))?.config.objectStoreURI == "gs://other")
      #expect(reopened.pool(key("prod"))?.updatedBy == .application(subject: "bot"))
      #expect(reopened.pool(key("prod"))?.createdBy == alice)
      #expect(reopened.pool(key("gone")) == gone)
      #expect(gone.isDeleted)
      // the default pool was materialized with the first write, and a new revision follows the old ones
      #expect(reopened.pool(key("default"))?.revision ?? 0 > 0)
      let next = try await reopened.execute(.create(key("later"), config(), sentMembers: []), by: alice)
      #expect(next.revision > before.revision)
    }
  }

  /// Loading every row at start reads the whole file through SQLite's page cache; the cache
  /// gives those pages back (they would otherwise stay for the life of the process: up to
  /// 2 MB per connection, SQLite's default cache size).
  @Test func loadingTheRowsLeavesThePageCacheEmpty() async throws {
    let database = try TemporaryDatabase()
    defer { database.remove() }
    let store = try database.open()
    try await withThrowingTaskGroup(of: Void.self) { group in
      for index in 0..<1_500 {
        group.addTask {
          _ = try await store.execute(
            .create(key("pool-\(index)"), config("s3://bucket-with-a-longer-name/pool-\(index)"), sentMembers: []),
            by: alice)
        }
      }
      try await group.waitForAll()
    }
    await store.close()
    let size = try #require(try FileManager.default.attributesOfItem(atPath: database.path)[.size] as? Int)
    let backend = try SQLiteBackend(path: database.path)
    let rows = try backend.loadRows()
    let cached = backend.connection.cacheBytes
    await backend.close()
    #expect(rows.pools.count == 1_501)
    #expect(size > 200_000, "only \(size) bytes: too few rows to fill the cache")
    #expect(cached < 32 << 10, "\(cached) bytes cached after the load")
  }

  @Test func migratesAnEmptyFileAndRefusesANewerSchema() async throws {
    let database = try TemporaryDatabase()
    defer { database.remove() }
    FileManager.default.createFile(atPath: database.path, contents: Data())
    let store = try database.open()
    #expect(store.pool(key("default"))?.config == TemporaryDatabase.template.config)
    _ = try await store.execute(.create(key("a"), config(), sentMembers: []), by: alice)
    await store.close()

    let raw = try SQLiteConnection(path: database.path)
    #expect(try raw.integer("PRAGMA user_version") == Int64(SQLiteSchema.migrations.count))
    #expect(try raw.integer("SELECT count(*) FROM cluster_pools") == 2)
    #expect(try raw.integer("SELECT count(*) FROM clusters") == 0)
    var mode = ""
    try raw.run("PRAGMA journal_mode") { mode = $0.text(0) }
    #expect(mode == "wal")
    try raw.executeScript("PRAGMA user_version = 99")
    raw.close()
    #expect(throws: StoreOpenError.self) { _ = try database.open() }
  }

  @Test(arguments: StoreKind.allCases) func concurrentCreatesOfOneNameHaveOneWinner(_ kind: StoreKind) async throws {
    try await kind.with { store in
      let outcomes = await withTaskGroup(of: DomainError.Code?.self) { group in
        for i in 0..<200 {
          group.addTask {
            do {
              _ = try await store.execute(.create(key("race"), config("s3://b\(i)"), sentMembers: []), by: alice)
              return nil
            } catch let error as DomainError { return error.code } catch { return .internalError }
          }
        }
        return await group.reduce(into: [DomainError.Code?]()) { $0.append($1) }
      }
      #expect(outcomes.filter { $0 == nil }.count == 1)
      #expect(outcomes.filter { $0 == .alreadyExists }.count == 199)
    }
  }

  @Test func aFailedWriteLeavesMemoryAndFileUnchangedAndSparesItsBatch() async throws {
    try await TemporaryDatabase.with { database, store in
      // a second connection installs a trigger that makes writes of pool "boom" fail in SQL
      let raw = try SQLiteConnection(path: database.path)
      try raw.executeScript(
        "CREATE TRIGGER fail_boom BEFORE INSERT ON cluster_pools WHEN NEW.name = 'boom' BEGIN SELECT RAISE(ABORT, 'injected failure'); END;")
      raw.close()
      let fresh = try Organization(validating: "fresh")
      let names = ["ok-1", "boom", "ok-2", "ok-3"]
      let results = await withTaskGroup(of: (String, DomainError.Code?).self) { group in
        for name in names {
          group.addTask {
            do {
              _ = try await store.execute(.create(key(name, fresh), config(), sentMembers: []), by: alice)
              return (name, nil)
            } catch let error as DomainError { return (name, error.code) } catch { return (name, .internalError) }
          }
        }
        return await group.reduce(into: [String: DomainError.Code?]()) { $0[$1.0] = $1.1 }
      }
      #expect(results["boom"] == .some(.unavailable))
      for name in ["ok-1", "ok-2", "ok-3"] {
        #expect(results[name] == .some(nil), "\(name)")
        #expect(store.pool(key(name, fresh)) != nil)
      }
      #expect(store.pool(key("boom", fresh)) == nil)
      await store.close()
      let reopened = try database.open()
      #expect(reopened.pool(key("boom", fresh)) == nil)
      #expect(reopened.pool(key("ok-2", fresh)) != nil)
      await reopened.close()
    }
  }

  @Test(arguments: StoreKind.allCases) func rejectedWritesChangeNothing(_ kind: StoreKind) async throws {
    try await kind.with { store in
      let fresh = try Organization(validating: "untouched")
      await #expect(throws: DomainError.self) {
        try await store.execute(.delete(key("default", fresh)), by: alice)
      }
      // the rejected write did not materialize the default pool
      #expect(store.pool(key("default", fresh))?.revision == 0)
      let created = try await store.execute(.create(key("p"), config(), sentMembers: []), by: alice)
      await #expect(throws: DomainError.self) {
        try await store.execute(.create(key("p"), config("gs://x"), sentMembers: []), by: alice)
      }
      #expect(store.pool(key("p")) == created)
    }
  }

  @Test func deleteSeesClustersAndQueuesInTheFile() async throws {
    try await TemporaryDatabase.with { database, store in
      _ = try await store.execute(.create(key("prod"), config(), sentMembers: []), by: alice)
      let raw = try SQLiteConnection(path: database.path)
      try raw.run(
        "INSERT INTO clusters (organization, name, pool_name, created_at_ns, updated_at_ns) VALUES (?1, ?2, ?3, 0, 0)",
        [.text("acme"), .text("prod-us-east-1"), .text("prod")])
      try raw.run(
        "INSERT INTO queues (organization, name, pool_name, created_at_ns, updated_at_ns) VALUES (?1, ?2, ?3, 0, 0)",
        [.text("acme"), .text("batch"), .text("prod")])
      raw.close()
      do {
        _ = try await store.execute(.delete(key("prod")), by: alice)
        Issue.record("expected FAILED_PRECONDITION")
      } catch let error as DomainError {
        #expect(error.code == .failedPrecondition)
        #expect(error.message.contains("live cluster prod-us-east-1 and live queue batch"))
      }
      await store.close()
      let reopened = try database.open()
      #expect(reopened.pool(key("prod"))?.memberClusters.map(\.value) == ["prod-us-east-1"])
      await reopened.close()
    }
  }
}
