import ClusterPoolDomain
import ClusterPoolStore
import Foundation
import Logging
import PostgresNIO
import Testing

@testable import ClusterPoolPostgres

/// Two stores on one database, each following the change log: each sees the other's commits
/// (pools with their members, clusters), skips its own, and catches up after its LISTEN
/// connection was killed.
@Suite(.enabled(if: TestPostgres.enabled, "needs CLUSTERPOOL_TEST_POSTGRES_URL (tools/test)"))
struct PostgresFollowerTests: AcmeStoreValues {

  /// A replica: a store over its own backend on `url`, with its follower running (poll
  /// interval `poll`: long, so that a test sees what LISTEN alone delivers).
  struct Replica {
    let store: PoolStore
    let follower: PostgresFollower
    let running: Task<Void, Never>

    func close() async {
      running.cancel()
      await running.value
      await store.close()
    }
  }

  func replica(_ url: PostgresURL, poll: Duration = .seconds(30), reloadBehind: UInt64 = 50_000, log: Logger? = nil) async throws -> Replica {
    let backend = try await PostgresBackend.open(url: url, logger: logger)
    let store = try await PoolStore.open(backend: backend, defaultPool: template, logger: logger)
    let follower = PostgresFollower(backend: backend, store: store, pollInterval: poll, reloadBehind: reloadBehind, logger: log ?? logger)
    return Replica(store: store, follower: follower, running: Task { try? await follower.run() })
  }

  /// Waits (polling, up to 20 s on a loaded machine) until `condition` holds.
  func eventually(_ what: String, _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(20)
    while !condition() {
      guard ContinuousClock.now < deadline else {
        Issue.record("timed out waiting: \(what)")
        return
      }
      try await Task.sleep(for: .milliseconds(5))
    }
  }

  @Test func identityChangesReachTheOtherReplica() async throws {
    try await TestPostgres.withFreshDatabase { url in
      let a = try await replica(url)
      let b = try await replica(url)
      try await eventually("both listening") { a.follower.connections == 1 && b.follower.connections == 1 }
      let organization = try Organization(validating: "acme")
      var registration = AppRegistration()
      registration.clientName = "ci"
      let (app, secret) = try await a.store.createApp(organization, clientID: "ci", registration, defaultPolicy: "viewer", by: alice)
      try await eventually("B sees A's app and its assignment") {
        b.store.snapshot().assignment(organization, app.identity)?.policies == ["viewer"]
      }
      #expect(b.store.snapshot().app(organization, clientID: "ci") == app)
      #expect(b.store.authenticateApp(clientID: "ci", secret: secret) == app)
      // a removal travels too: the key of a row that is gone
      try await b.store.deleteApp(organization, clientID: "ci", by: alice)
      try await eventually("A sees the app removed") { a.store.snapshot().app(organization, clientID: "ci") == nil }
      #expect(a.store.snapshot().assignment(organization, app.identity) == nil)
      #expect(a.store.authenticateApp(clientID: "ci", secret: secret) == nil)
      await a.close()
      await b.close()
    }
  }

  @Test func eachReplicaSeesTheOthersCommits() async throws {
    try await TestPostgres.withFreshDatabase { url in
      let a = try await replica(url)
      let b = try await replica(url)
      try await eventually("both listening") { a.follower.connections == 1 && b.follower.connections == 1 }

      let created = try await a.store.execute(.create(poolKey("prod"), config(), sentMembers: []), by: alice)
      try await eventually("B sees A's pool") { b.store.pool(poolKey("prod")) != nil }
      #expect(b.store.pool(poolKey("prod")) == created)

      _ = try await b.store.registerCluster(clusterKey("c1"), into: try ResourceName(validating: "prod"), by: alice)
      try await eventually("A sees B's cluster and the pool's member") {
        a.store.pool(poolKey("prod"))?.memberClusters.map(\.value) == ["c1"] && a.store.cluster(clusterKey("c1")) != nil
      }
      #expect(a.store.pool(poolKey("prod")) == b.store.pool(poolKey("prod")))
      #expect(a.store.cluster(clusterKey("c1")) == b.store.cluster(clusterKey("c1")))
      try await eventually("both at the same revision") {
        a.follower.appliedRevision == b.store.revision && b.follower.appliedRevision == b.store.revision
      }
      #expect(a.store.revision == b.store.revision)
      #expect(a.follower.counts.withLock { $0.entries } == 2, "A read both entries (its own skipped, B's applied)")
      await a.close()
      await b.close()
    }
  }

  @Test func aFollowerWhoseConnectionWasKilledReconnectsAndCatchesUp() async throws {
    try await TestPostgres.withFreshDatabase { url in
      let log = CapturedLog()
      let b = try await replica(url, log: log.logger)
      try await eventually("B listening") { b.follower.connections == 1 }
      // kill every connection of the database (B's LISTEN among them); B's poll is 30 s, so
      // only its reconnect and catch-up can bring it the writes below
      try await TestPostgres.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(url.database)' AND pid <> pg_backend_pid()",
        on: url)
      let a = try await replica(url)
      for index in 0..<20 {
        _ = try await a.store.execute(.create(poolKey("p\(index)"), config(), sentMembers: []), by: alice)
      }
      try await eventually("B reconnected and has all 20") {
        b.follower.connections >= 2 && (0..<20).allSatisfy { b.store.pool(poolKey("p\($0)")) != nil }
      }
      #expect(b.store.revision == a.store.revision)
      #expect(log.all.contains { $0.contains("reconnected to the change log") }, "\(log.all)")
      await a.close()
      await b.close()
    }
  }

  @Test func aFollowerTooFarBehindReloadsEveryRow() async throws {
    try await TestPostgres.withFreshDatabase { url in
      // B opened (loaded at revision 0), its follower started only after A's 20 writes
      let backend = try await PostgresBackend.open(url: url, logger: logger)
      let store = try await PoolStore.open(backend: backend, defaultPool: template, logger: logger)
      let a = try await replica(url)
      for index in 0..<20 {
        _ = try await a.store.execute(.create(poolKey("p\(index)"), config(), sentMembers: []), by: alice)
      }
      #expect(store.pool(poolKey("p0")) == nil)
      let follower = PostgresFollower(backend: backend, store: store, pollInterval: .seconds(30), reloadBehind: 5, logger: logger)
      let b = Replica(store: store, follower: follower, running: Task { try? await follower.run() })
      try await eventually("B reloaded and has all 20") {
        (0..<20).allSatisfy { b.store.pool(poolKey("p\($0)")) != nil } && b.store.revision == a.store.revision
      }
      #expect(b.follower.counts.withLock { $0.reloads } == 1, "20 revisions behind, more than 5: a reload")
      #expect(b.follower.counts.withLock { $0.entries } == 0, "no entry read one by one")
      // and it follows on after the reload
      let later = try await a.store.execute(.create(poolKey("later"), config(), sentMembers: []), by: alice)
      try await eventually("B follows on") { b.store.pool(poolKey("later")) == later }
      await a.close()
      await b.close()
    }
  }
}
