internal import ClusterPoolDomain
public import ClusterPoolStore
public import Logging
public import ServiceLifecycle

/// Shares heartbeat times with the other replicas of one database, once per ``interval``: the
/// times this server received since the last exchange go out in one statement, and the
/// others' newer ones come back, so that a cluster's health follows the newest heartbeat any
/// replica saw (watchers are told when that makes it healthy again). A failed exchange is
/// logged and its times are sent again with the next. Make it with
/// ``ClusterService/heartbeatSharing(_:interval:logger:)``.
public final class ClusterHeartbeatSharing: Service, Sendable {
  let board: ClusterHealthBoard
  let store: any ClusterStore
  let watchers: ClusterWatchHub
  let shared: any SharedHeartbeats
  let interval: Duration
  let logger: Logger

  init(
    board: ClusterHealthBoard, store: any ClusterStore, watchers: ClusterWatchHub, shared: any SharedHeartbeats,
    interval: Duration, logger: Logger
  ) {
    self.board = board
    self.store = store
    self.watchers = watchers
    self.shared = shared
    self.interval = interval
    self.logger = logger
  }

  public func run() async throws {
    await cancelWhenGracefulShutdown {
      // others' times newer than this are asked for (5 s of margin for clocks and commits)
      var since = Timestamp(nanosecondsSinceEpoch: WallClock.now().nanosecondsSinceEpoch - 60_000_000_000)
      var unsent: [ClusterHeartbeat] = []
      while !Task.isCancelled {
        let mine = Self.newest(unsent + self.board.takeHeard())
        do {
          let theirs = try await self.shared.exchange(mine, since: since)
          unsent = []
          if let newest = theirs.map(\.lastSeen.nanosecondsSinceEpoch).max() {
            since = Timestamp(nanosecondsSinceEpoch: max(since.nanosecondsSinceEpoch, newest - 5_000_000_000))
          }
          for key in self.board.heardElsewhere(theirs, cluster: { self.store.cluster($0) }, pool: { self.store.pool($0) }) {
            self.watchers.publish(key)
          }
        } catch {
          unsent = mine
          self.logger.warning("cannot share heartbeats with the other replicas", metadata: ["error": "\(error)"])
        }
        try? await Task.sleep(for: self.interval)
      }
    }
  }

  /// Each cluster's newest time of `beats` (its last status report with it).
  static func newest(_ beats: [ClusterHeartbeat]) -> [ClusterHeartbeat] {
    var newest: [ClusterKey: ClusterHeartbeat] = [:]
    for beat in beats where (newest[beat.key]?.lastSeen.nanosecondsSinceEpoch ?? .min) <= beat.lastSeen.nanosecondsSinceEpoch {
      newest[beat.key] = beat
    }
    return Array(newest.values)
  }
}

extension ClusterService {
  /// The service sharing heartbeat times through `shared` every `interval` (replicas on one
  /// PostgreSQL database); run it in the server's `ServiceGroup`.
  public func heartbeatSharing(_ shared: any SharedHeartbeats, interval: Duration = .seconds(1), logger: Logger) -> ClusterHeartbeatSharing {
    ClusterHeartbeatSharing(board: health, store: store, watchers: watchers, shared: shared, interval: interval, logger: logger)
  }
}
