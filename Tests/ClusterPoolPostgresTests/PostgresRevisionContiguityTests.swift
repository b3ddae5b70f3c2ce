import ClusterPoolDomain
import ClusterPoolStore
import Foundation
import Logging
import PostgresNIO
import Testing

@testable import ClusterPoolPostgres

/// A replica's revision (`clusterpool-revision`, `clusterpool-min-revision`) is the contiguous
/// one: its own commit N does not count while another replica's N-1 is not followed yet, so a
/// wait for N never answers from a state missing N-1; the write itself still reports N.
@Suite(.enabled(if: TestPostgres.enabled, "needs CLUSTERPOOL_TEST_POSTGRES_URL (tools/test)"))
struct PostgresRevisionContiguityTests: AcmeStoreValues {
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

  @Test func anOwnCommitAboveAnotherReplicasUnfollowedCommitIsNotReportedUntilTheGapCloses() async throws {
    try await TestPostgres.withFreshDatabase { url in
      // B: a store and its follower, not running yet (it cannot follow A's commit)
      let backendB = try await PostgresBackend.open(url: url, logger: logger)
      let storeB = try await PoolStore.open(backend: backendB, defaultPool: template, logger: logger)
      let followerB = PostgresFollower(backend: backendB, store: storeB, settings: .with(poll: .seconds(30)), logger: logger)
      let loaded = storeB.revision
      let backendA = try await PostgresBackend.open(url: url, logger: logger)
      let storeA = try await PoolStore.open(backend: backendA, defaultPool: template, logger: logger)

      _ = try await storeA.execute(.create(poolKey("from-a"), config(), sentMembers: []), by: alice)
      let commitsB = CommittedRevisions()
      try await CommittedRevisions.$current.withValue(commitsB) {
        _ = try await storeB.execute(.create(poolKey("from-b"), config(), sentMembers: []), by: alice)
      }
      let ownCommit = commitsB.highest
      #expect(ownCommit > storeA.revision, "B's commit follows A's")
      #expect(storeB.pool(poolKey("from-b")) != nil, "read-your-writes on B: its own commit applied at once")
      #expect(storeB.revision == loaded, "A's commit is not followed: B's revision stays below it")

      // a call needing B's own commit waits: answering now would miss A's pool
      await #expect(throws: RevisionNotApplied(applied: loaded, needed: ownCommit)) {
        try await storeB.waitForRevision(ownCommit, until: .now + .milliseconds(300))
      }
      let waiting = Task { try await storeB.waitForRevision(ownCommit, until: .now + .seconds(20)) }
      let running = Task { try? await followerB.run() }
      try await waiting.value
      #expect(storeB.pool(poolKey("from-a")) != nil, "once the wait for B's own commit ends, A's earlier commit is there")
      #expect(storeB.revision >= ownCommit)

      // with the gap closed, B's next commit counts as soon as its follower has read past it
      let next = CommittedRevisions()
      try await CommittedRevisions.$current.withValue(next) {
        _ = try await storeB.execute(.create(poolKey("later"), config(), sentMembers: []), by: alice)
      }
      try await storeB.waitForRevision(next.highest, until: .now + .seconds(20))
      try await eventually("B's revision reaches its last commit") { storeB.revision == next.highest }
      running.cancel()
      await running.value
      await storeA.close()
      await storeB.close()
    }
  }
}
