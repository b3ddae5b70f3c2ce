import Testing

@testable import ClusterPoolStore

/// The contiguous revision: every commit of a store alone counts at once; a followed store's
/// own commits count once its follower has read past them, and a reload starts again.
struct AppliedRevisionsTests {
  @Test func aStoreAloneCountsEveryCommit() {
    var revisions = AppliedRevisions(contiguous: 3)
    revisions.ownCommit(4)
    revisions.ownCommit(6)  // revisions may skip numbers; nobody else commits
    #expect(revisions.contiguous == 6)
    #expect(revisions.ownAhead.isEmpty)
  }

  @Test func aFollowedStoresOwnCommitsCountOnceFollowedPast() {
    var revisions = AppliedRevisions(contiguous: 10)
    revisions.follow()
    revisions.ownCommit(12)  // 11: another replica's, not followed yet
    revisions.ownCommit(14)
    #expect(revisions.contiguous == 10)
    #expect(revisions.ownAhead == [12, 14])
    revisions.followed(through: 12)  // the follower read 11, skipped 12
    #expect(revisions.contiguous == 12)
    #expect(revisions.ownAhead == [14])
    revisions.followed(through: 11)  // never backwards
    #expect(revisions.contiguous == 12)
    revisions.followed(through: 15)
    #expect(revisions.contiguous == 15)
    #expect(revisions.ownAhead.isEmpty)
    revisions.ownCommit(15)  // applied by the follower first (read before it was recorded): not ahead
    #expect(revisions.ownAhead.isEmpty)
  }

  @Test func aReloadStartsAtTheReloadedRevision() {
    var revisions = AppliedRevisions(contiguous: 10)
    revisions.follow()
    revisions.ownCommit(30)
    revisions.reloaded(at: 20)
    #expect(revisions.contiguous == 20)
    #expect(revisions.ownAhead.isEmpty, "the follower reads 30 again from the change log")
  }
}
