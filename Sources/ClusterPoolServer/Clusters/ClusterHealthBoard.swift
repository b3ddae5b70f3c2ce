internal import ClusterPoolDomain
internal import Synchronization

/// Soft state of cluster health: when each cluster last reported, and the drift of its last
/// reported data plane from its pool's config. Memory only: a heartbeat never touches disk.
final class ClusterHealthBoard: Sendable {
  struct Entry: Sendable {
    var lastSeen: ContinuousClock.Instant
    var drift: [String] = []
  }

  /// What a cluster's health reads as now.
  enum Reading: Sendable, Equatable {
    case unknown
    case healthy
    case unhealthy([String])
  }

  private let entries = Mutex<[ClusterKey: Entry]>([:])
  let timeout: Duration

  init(timeout: Duration) { self.timeout = timeout }

  /// Records a heartbeat (and, from UpdateStatus, the drift found) at `now`.
  func seen(_ key: ClusterKey, drift: [String]? = nil, now: ContinuousClock.Instant = .now) {
    entries.withLock { table in
      var entry = table[key] ?? Entry(lastSeen: now)
      entry.lastSeen = now
      if let drift { entry.drift = drift }
      table[key] = entry
    }
  }

  /// Forgets a cluster (deleted: a re-registration starts with no health).
  func forget(_ key: ClusterKey) {
    _ = entries.withLock { $0.removeValue(forKey: key) }
  }

  /// The health of `key` at `now`: unknown before its first report, unhealthy after
  /// `timeout` without one or while its data plane drifts from the pool.
  func reading(_ key: ClusterKey, now: ContinuousClock.Instant = .now) -> Reading {
    guard let entry = entries.withLock({ $0[key] }) else { return .unknown }
    var reasons: [String] = []
    let silence = now - entry.lastSeen
    if silence > timeout {
      reasons.append("no heartbeat for \(silence.components.seconds)s (timeout \(timeout.components.seconds)s)")
    }
    reasons += entry.drift
    return reasons.isEmpty ? .healthy : .unhealthy(reasons)
  }
}
