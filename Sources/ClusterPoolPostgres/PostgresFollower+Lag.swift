internal import Synchronization

/// How far a follower is behind the change log, as `/metrics` reports it.
struct FollowerLag: Sendable {
  /// The highest revision notified by any replica's commit.
  var latestKnown: UInt64 = 0
  /// Since when a notified revision has been waiting to be applied (nil: caught up).
  var behindSince: ContinuousClock.Instant?
  /// When the last catch-up finished reading the change log.
  var lastCatchUp: ContinuousClock.Instant?

  mutating func heard(_ revision: UInt64, applied: UInt64, at now: ContinuousClock.Instant = .now) {
    latestKnown = max(latestKnown, revision)
    if revision > applied, behindSince == nil { behindSince = now }
  }

  mutating func caughtUp(to applied: UInt64, at now: ContinuousClock.Instant = .now) {
    latestKnown = max(latestKnown, applied)
    lastCatchUp = now
    if applied >= latestKnown { behindSince = nil }
  }
}

extension PostgresFollower {
  /// How far behind it is: revisions notified but not yet applied; seconds the oldest of them
  /// has waited (0 when caught up); seconds since the change log was last read (nil before the
  /// first catch-up; it reads at least every ``pollInterval`` while connected, so a growing
  /// value means it cannot reach the database).
  public var lag: (revisions: UInt64, seconds: Double, sinceLastRead: Double?) {
    let applied = appliedRevision
    let now = ContinuousClock.now
    return lagState.withLock { lag in
      let behind = lag.latestKnown > applied ? lag.latestKnown - applied : 0
      return (behind, lag.behindSince.map { Self.seconds(now - $0) } ?? 0, lag.lastCatchUp.map { Self.seconds(now - $0) })
    }
  }

  static func seconds(_ duration: Duration) -> Double {
    let (seconds, attoseconds) = duration.components
    return Double(seconds) + Double(attoseconds) / 1e18
  }
}
