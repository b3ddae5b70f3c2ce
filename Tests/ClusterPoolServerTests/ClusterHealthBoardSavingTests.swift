import ClusterPoolDomain
import Testing

@testable import ClusterPoolServer

/// What the board hands to be saved and shared: a report marks its cluster once until the
/// next save or share, and a report after one marks it again (the board keeps that mark in
/// the entry, so heartbeats in between do not mark it again).
struct ClusterHealthBoardSavingTests: OneClusterFixture {
  @Test func aReportAfterASaveOrAShareIsSavedAndSharedAgain() {
    let board = ClusterHealthBoard(timeout: .seconds(60))
    let now = ContinuousClock.now
    #expect(board.record(.heartbeat, of: cluster, now: now, wallNow: at(100)))
    #expect(!board.record(.heartbeat, of: cluster, now: now + .seconds(1), wallNow: at(101)))
    #expect(board.takeChanged().map(\.lastSeen) == [at(101)])
    #expect(board.takeChanged().isEmpty)
    #expect(board.takeHeard().map(\.lastSeen) == [at(101)])
    #expect(board.takeHeard().isEmpty)

    // heard again after both: saved and shared again, once
    _ = board.record(.heartbeat, of: cluster, now: now + .seconds(2), wallNow: at(102))
    _ = board.record(.heartbeat, of: cluster, now: now + .seconds(3), wallNow: at(103))
    #expect(board.takeHeard().map(\.lastSeen) == [at(103)])
    let failed = board.takeChanged()
    #expect(failed.map(\.lastSeen) == [at(103)])
    #expect(board.takeChanged().isEmpty)

    // a failed save put back is saved with the next, also after another heartbeat
    board.restore(failed)
    _ = board.record(.heartbeat, of: cluster, now: now + .seconds(4), wallNow: at(104))
    #expect(board.takeChanged().map(\.lastSeen) == [at(104)])
    #expect(board.takeHeard().map(\.lastSeen) == [at(104)])
    #expect(board.takeChanged().isEmpty && board.takeHeard().isEmpty)
  }

  @Test func aNewRegistrationIsSavedAndSharedFromItsFirstReport() {
    let board = ClusterHealthBoard(timeout: .seconds(60))
    _ = board.record(.heartbeat, of: cluster, wallNow: at(100))
    _ = board.takeChanged()
    _ = board.takeHeard()
    var again = cluster
    again.createdAt = at(50)
    #expect(board.record(.heartbeat, of: again, wallNow: at(110)))
    #expect(board.takeChanged().map(\.registeredAt) == [at(50)])
    #expect(board.takeHeard().map(\.registeredAt) == [at(50)])

    // forgotten (deleted), then registered again
    board.forget(key)
    #expect(board.takeChanged().isEmpty)
    #expect(board.record(.heartbeat, of: cluster, wallNow: at(120)))
    #expect(board.takeChanged().map(\.lastSeen) == [at(120)])
    #expect(board.takeHeard().map(\.lastSeen) == [at(120)])
  }
}
