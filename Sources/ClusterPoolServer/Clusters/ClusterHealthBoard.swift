internal import ClusterPoolDomain
internal import Synchronization

/// Soft state of cluster health: when each cluster last reported, the data plane it last
/// reported and that data plane's drift from its pool's config. Held in memory (a report
/// never touches disk); ``ClusterHealthKeeper`` saves what changed on an interval.
final class ClusterHealthBoard: Sendable {
  struct Entry: Sendable {
    /// The registration reported on (the cluster's `createdAt`).
    var registeredAt: Timestamp
    var lastSeen: ContinuousClock.Instant
    var lastSeenWall: Timestamp
    var reported: ReportedDataPlane?
    /// When the last status report (``reported``) was received, here or by another replica
    /// (wall clock); nil before the first.
    var reportedAt: Timestamp?
    var drift: [String] = []
    /// Its heartbeat timeout was already announced to watchers.
    var expired = false
    /// Whether it stands for a report. An entry without one only measures the silence of a
    /// DELETING cluster whose health was never saved (from the server's start); it reads
    /// unknown and is not saved.
    var heard = true
    /// Its key is in ``State/dirty`` (then in ``State/heardHere``): a report in between
    /// marks neither set again, which would hash the key once more for each.
    var savePending = false
    var sharePending = false
  }

  /// What a cluster's health reads as now.
  enum Reading: Sendable, Equatable {
    case unknown
    case healthy
    case unhealthy([String])
  }

  /// A data-plane report: a Heartbeat, or an UpdateStatus with the data plane it carried
  /// and the cluster's pool (its config, unless a newer one was seen).
  enum Report: Sendable {
    case heartbeat
    case status(ReportedDataPlane?, pool: ClusterPool?)
  }

  struct State {
    var entries: [ClusterKey: Entry] = [:]
    /// Changed since the last save.
    var dirty: Set<ClusterKey> = []
    /// Heard here since the last ``takeHeard()`` (shared with other replicas).
    var heardHere: Set<ClusterKey> = []
    /// The config each pool had when drift was last re-checked for its members.
    var poolConfigs: [PoolKey: ClusterPoolConfig] = [:]
  }

  let state = Mutex(State())
  let timeout: Duration
  /// Changes (under the ``state`` lock, after the change) whenever what ``unhealthy(_:now:)``
  /// reads for some cluster may change other than by time passing: a first report, a report
  /// after a timeout, another drift, a forgotten or loaded entry. A heartbeat that keeps a
  /// healthy cluster healthy leaves it. What a reply derived from health is kept with, with
  /// the instant its clusters' silence can next turn one unhealthy.
  let generation = Atomic<UInt64>(0)

  init(timeout: Duration) { self.timeout = timeout }

  /// Marks a change of some reading (call under the ``state`` lock, after the change).
  func readingsChanged() { generation.add(1, ordering: .releasing) }

  /// Records `report` of `cluster`; returns whether its health reading changed (unknown or
  /// timed out before, or a different drift), i.e. whether watchers are told.
  func record(
    _ report: Report, of cluster: Cluster, now: ContinuousClock.Instant = .now, wallNow: Timestamp = WallClock.now()
  ) -> Bool {
    state.withLock { state in
      // A report of a known registration updates its entry in place: one lookup of the key,
      // none to mark it changed when it is already (nearly every heartbeat).
      guard let index = state.entries.index(forKey: cluster.key),
        state.entries.values[index].registeredAt == cluster.createdAt
      else {
        var entry = Entry(registeredAt: cluster.createdAt, lastSeen: now, lastSeenWall: wallNow)
        if case .status(let reported, let pool) = report {
          Self.take(reported, state.poolConfigs[cluster.poolKey] ?? pool?.config, at: wallNow, into: &entry, cluster)
        }
        entry.savePending = true
        entry.sharePending = true
        state.entries[cluster.key] = entry
        state.dirty.insert(cluster.key)
        state.heardHere.insert(cluster.key)
        readingsChanged()
        return true
      }
      let (wasHeard, lastSeen) = (state.entries.values[index].heard, state.entries.values[index].lastSeen)
      var driftChanged = false
      if case .status(let reported, let pool) = report {
        let before = state.entries.values[index].drift
        let config = state.poolConfigs[cluster.poolKey] ?? pool?.config
        Self.take(reported, config, at: wallNow, into: &state.entries.values[index], cluster)
        driftChanged = before != state.entries.values[index].drift
      }
      let (marked, shared) = Self.seen(&state.entries.values[index], now: now, wallNow: wallNow)
      if !marked { state.dirty.insert(cluster.key) }
      if !shared { state.heardHere.insert(cluster.key) }
      guard wasHeard else {
        readingsChanged()
        return true
      }
      let news = now - lastSeen >= timeout || driftChanged
      if news { readingsChanged() }
      return news
    }
  }

  /// Notes a report at `now` in `entry`; returns whether it was already marked to be saved
  /// and shared (and marks it).
  private static func seen(
    _ entry: inout Entry, now: ContinuousClock.Instant, wallNow: Timestamp
  ) -> (marked: Bool, shared: Bool) {
    entry.lastSeen = now
    entry.lastSeenWall = wallNow
    entry.expired = false
    entry.heard = true
    defer {
      entry.savePending = true
      entry.sharePending = true
    }
    return (entry.savePending, entry.sharePending)
  }

  /// Takes a status report's data plane into `entry`, with its drift from `config` (the
  /// pool's newest config seen, else the one the report came with).
  private static func take(
    _ reported: ReportedDataPlane?, _ config: ClusterPoolConfig?, at wallNow: Timestamp, into entry: inout Entry,
    _ cluster: Cluster
  ) {
    entry.reported = reported
    entry.reportedAt = wallNow
    entry.drift = reported.flatMap { data in config.map { DataPlaneDrift.reasons(data, pool: $0, poolName: cluster.poolName) } } ?? []
  }

  /// Forgets a cluster (deleted: a re-registration starts with no health).
  func forget(_ key: ClusterKey) {
    state.withLock { state in
      state.entries.removeValue(forKey: key)
      state.dirty.remove(key)
      readingsChanged()
    }
  }

  /// The health of `key` at `now` and the data plane it last reported: unknown before its
  /// first report, unhealthy after `timeout` without one or while its data plane drifts.
  func view(_ key: ClusterKey, now: ContinuousClock.Instant = .now) -> (reading: Reading, reported: ReportedDataPlane?) {
    guard let entry = state.withLock({ $0.entries[key] }), entry.heard else { return (.unknown, nil) }
    var reasons: [String] = []
    let silence = now - entry.lastSeen
    if silence >= timeout {
      reasons.append("no heartbeat for \(Self.shown(silence)) (timeout \(Self.shown(timeout)))")
    }
    reasons += entry.drift
    return (reasons.isEmpty ? .healthy : .unhealthy(reasons), entry.reported)
  }

  func reading(_ key: ClusterKey, now: ContinuousClock.Instant = .now) -> Reading { view(key, now: now).reading }

  /// Marks the clusters whose timeout passed by `now` (each once until it reports again) and
  /// returns them, with the earliest timeout still ahead (nil when none is).
  func sweep(now: ContinuousClock.Instant) -> (expired: [ClusterKey], next: ContinuousClock.Instant?) {
    state.withLock { state in
      var expired: [ClusterKey] = []
      var next: ContinuousClock.Instant?
      for (key, entry) in state.entries where !entry.expired {
        let deadline = entry.lastSeen + timeout
        if deadline <= now {
          state.entries[key]?.expired = true
          expired.append(key)
        } else if next.map({ deadline < $0 }) ?? true {
          next = deadline
        }
      }
      return (expired, next)
    }
  }

  /// Watches the silence of `deleting` clusters (at start): one with no health for its
  /// registration is silent from `now` on; returns those already silent for the timeout
  /// (marked announced, like a sweep's).
  func silentAmong(
    _ deleting: [Cluster], now: ContinuousClock.Instant = .now, wallNow: Timestamp = WallClock.now()
  ) -> [ClusterKey] {
    state.withLock { state in
      var silent: [ClusterKey] = []
      for cluster in deleting {
        guard let entry = state.entries[cluster.key], entry.registeredAt == cluster.createdAt else {
          state.entries[cluster.key] = Entry(registeredAt: cluster.createdAt, lastSeen: now, lastSeenWall: wallNow, heard: false)
          continue
        }
        if now - entry.lastSeen >= timeout {
          state.entries[cluster.key]?.expired = true
          silent.append(cluster.key)
        }
      }
      readingsChanged()
      return silent
    }
  }

  /// Re-checks drift of the members of `pools` whose config changed since last seen; returns
  /// the clusters whose drift changed.
  func redrift(_ pools: [ClusterPool]) -> [ClusterKey] {
    state.withLock { state in
      var changed: [ClusterKey] = []
      for pool in pools where !pool.isDeleted && state.poolConfigs[pool.key] != pool.config {
        state.poolConfigs[pool.key] = pool.config
        for member in pool.memberClusters {
          let key = ClusterKey(organization: pool.organization, name: member)
          guard let reported = state.entries[key]?.reported else { continue }
          let drift = DataPlaneDrift.reasons(reported, pool: pool.config, poolName: pool.name)
          guard drift != state.entries[key]?.drift else { continue }
          state.entries[key]?.drift = drift
          changed.append(key)
        }
      }
      if !changed.isEmpty { readingsChanged() }
      return changed
    }
  }
}

extension ClusterHealthBoard {
  /// `1m30s`, `45s`, `250ms`.
  static func shown(_ duration: Duration) -> String {
    let ms = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    if ms < 1000 { return "\(ms)ms" }
    let seconds = ms / 1000
    return seconds < 60 ? "\(seconds)s" : seconds % 60 == 0 ? "\(seconds / 60)m" : "\(seconds / 60)m\(seconds % 60)s"
  }
}
