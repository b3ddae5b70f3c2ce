import Testing

@testable import ClusterPoolPostgres

/// FollowerLag: behind from the first notified revision above the applied one until a
/// catch-up reaches the latest notified; the time since the last read of the change log.
struct FollowerLagTests {
  @Test func behindUntilCaughtUp() {
    let start = ContinuousClock.now
    var lag = FollowerLag()
    lag.heard(5, applied: 5, at: start)
    #expect(lag.behindSince == nil, "its own commit, already applied, is no lag")
    lag.heard(7, applied: 5, at: start + .seconds(1))
    lag.heard(9, applied: 5, at: start + .seconds(2))
    #expect(lag.latestKnown == 9 && lag.behindSince == start + .seconds(1))
    lag.caughtUp(to: 8, at: start + .seconds(3))
    #expect(lag.behindSince == start + .seconds(1), "revision 9 still waits")
    #expect(lag.lastCatchUp == start + .seconds(3))
    lag.caughtUp(to: 9, at: start + .seconds(4))
    #expect(lag.behindSince == nil && lag.lastCatchUp == start + .seconds(4))
  }
}
