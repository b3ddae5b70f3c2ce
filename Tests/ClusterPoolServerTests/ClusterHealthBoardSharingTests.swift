import ClusterPoolDomain
import ClusterPoolStore
import Testing

@testable import ClusterPoolServer

/// Health shared across replicas: another replica's newer status report brings its data plane
/// and drift here, an older one or a heartbeat without a report leaves them, and what this
/// board shares carries its last report.
struct ClusterHealthBoardSharingTests: OneClusterFixture {
  func beat(seen: Int64, reportedAt: Int64? = nil, uri: String? = nil) -> ClusterHeartbeat {
    ClusterHeartbeat(
      key: key, registeredAt: at(1), lastSeen: at(seen), reportedAt: reportedAt.map(at),
      reported: uri.map { ReportedDataPlane(objectStoreURI: $0, secretStoreType: 1) })
  }

  @Test func anotherReplicasNewerReportBringsItsDrift() {
    let board = ClusterHealthBoard(timeout: .seconds(60))
    let now = ContinuousClock.now
    let heard = board.heardElsewhere(
      [beat(seen: 100, reportedAt: 100, uri: "s3://elsewhere")], cluster: { _ in cluster }, pool: { _ in pool }, now: now,
      wallNow: at(101))
    #expect(heard == [key])
    let drift = ["object store s3://elsewhere differs from pool prod's s3://prod-bucket"]
    #expect(board.reading(key, now: now) == .unhealthy(drift))

    // a newer heartbeat without a report, and an older report, leave the drift
    _ = board.heardElsewhere([beat(seen: 105)], cluster: { _ in cluster }, pool: { _ in pool }, now: now, wallNow: at(106))
    _ = board.heardElsewhere(
      [beat(seen: 106, reportedAt: 90, uri: "s3://prod-bucket")], cluster: { _ in cluster }, pool: { _ in pool }, now: now,
      wallNow: at(106))
    #expect(board.reading(key, now: now) == .unhealthy(drift))

    // a newer report matching the pool heals it, and is news to watchers
    let healed = board.heardElsewhere(
      [beat(seen: 107, reportedAt: 107, uri: "s3://prod-bucket")], cluster: { _ in cluster }, pool: { _ in pool }, now: now,
      wallNow: at(107))
    #expect(healed == [key])
    #expect(board.reading(key, now: now) == .healthy)
  }

  @Test func whatABoardSharesCarriesItsLastReport() {
    let board = ClusterHealthBoard(timeout: .seconds(60))
    let reported = ReportedDataPlane(objectStoreURI: "s3://elsewhere", secretStoreType: 1)
    _ = board.record(.status(reported, pool: pool), of: cluster, wallNow: at(200))
    _ = board.record(.heartbeat, of: cluster, wallNow: at(210))
    let shared = board.takeHeard()
    #expect(shared == [ClusterHeartbeat(key: key, registeredAt: at(1), lastSeen: at(210), reportedAt: at(200), reported: reported)])
  }
}
