import ClusterPoolDomain
import Testing

@testable import ClusterPoolServer

/// The health board's generation (what a kept GetQueue reply is stamped with) changes with
/// every change of a reading other than by time, and not with a heartbeat that keeps a healthy
/// cluster healthy; `unhealthy(_:now:)` names the instant time alone would change a reading.
struct ClusterHealthBoardGenerationTests: OneClusterFixture {

  @Test func generationFollowsReadingsNotHeartbeats() {
    let board = ClusterHealthBoard(timeout: .seconds(10))
    let start = ContinuousClock.now
    var seen = board.generation.load(ordering: .acquiring)
    func changed() -> Bool {
      let now = board.generation.load(ordering: .acquiring)
      defer { seen = now }
      return now != seen
    }
    #expect(board.unhealthy([key], now: start) == ([false], nil))  // never heard: no timeout ahead
    _ = board.record(.heartbeat, of: cluster, now: start)
    #expect(changed(), "a first heartbeat (unknown -> healthy)")
    #expect(board.unhealthy([key], now: start) == ([false], start + .seconds(10)))
    _ = board.record(.heartbeat, of: cluster, now: start + .seconds(5))
    #expect(!changed(), "a heartbeat of a healthy cluster")
    #expect(board.unhealthy([key], now: start + .seconds(5)) == ([false], start + .seconds(15)))
    #expect(board.unhealthy([key], now: start + .seconds(15)) == ([true], nil))  // by time alone
    _ = board.record(.heartbeat, of: cluster, now: start + .seconds(16))
    #expect(changed(), "a heartbeat after the timeout")
    let drifting = ReportedDataPlane(objectStoreURI: "s3://elsewhere", secretStoreType: 1)
    _ = board.record(.status(drifting, pool: pool), of: cluster, now: start + .seconds(17))
    #expect(changed(), "a drift")
    #expect(board.unhealthy([key], now: start + .seconds(17)) == ([true], nil))
    _ = board.record(.status(drifting, pool: pool), of: cluster, now: start + .seconds(18))
    #expect(!changed(), "the same drift again")
    _ = board.record(.status(ReportedDataPlane(objectStoreURI: "s3://prod-bucket", secretStoreType: 1), pool: pool), of: cluster, now: start + .seconds(19))
    #expect(changed(), "the drift gone")
    board.forget(key)
    #expect(changed(), "a forgotten cluster")
  }
}
