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
      let old = state.entries[cluster.key].flatMap { $0.registeredAt == cluster.createdAt ? $0 : nil }
      var entry = old ?? Entry(registeredAt: cluster.createdAt, lastSeen: now, lastSeenWall: wallNow)
      entry.lastSeen = now
      entry.lastSeenWall = wallNow
      entry.expired = false
      entry.heard = true
      if case .status(let reported, let pool) = report {
        entry.reported = reported
        entry.reportedAt = wallNow
        let config = state.poolConfigs[cluster.poolKey] ?? pool?.config
        entry.drift = reported.flatMap { data in config.map { DataPlaneDrift.reasons(data, pool: $0, poolName: cluster.poolName) } } ?? []
      }
      state.entries[cluster.key] = entry
      state.dirty.insert(cluster.key)
      state.heardHere.insert(cluster.key)
      guard let old, old.heard else {
        readingsChanged()
        return true
      }
      let news = now - old.lastSeen >= timeout || old.drift != entry.drift
      if news { readingsChanged() }
      return news
    }
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
  /// The entries changed since the last call, as records to save (``restore(_:)`` puts them
  /// back when the save failed).
  func takeChanged() -> [ClusterHealthRecord] {
    state.withLock { state in
      defer { state.dirty.removeAll(keepingCapacity: true) }
      return state.dirty.compactMap { key in
        state.entries[key].flatMap { $0.heard ? $0 : nil }.map {
          ClusterHealthRecord(key: key, registeredAt: $0.registeredAt, lastSeen: $0.lastSeenWall, reported: $0.reported)
        }
      }
    }
  }

  /// Marks `records`' clusters changed again (their save failed).
  func restore(_ records: [ClusterHealthRecord]) {
    state.withLock { state in
      for record in records where state.entries[record.key] != nil { state.dirty.insert(record.key) }
    }
  }

  /// Loads saved health (at start): silence is measured from the saved wall-clock time, drift
  /// from the pool's config now.
  func load(
    _ records: [ClusterHealthRecord], pool: (PoolKey) -> ClusterPool?, clusterPool: (ClusterKey) -> PoolKey?,
    now: ContinuousClock.Instant = .now, wallNow: Timestamp = WallClock.now()
  ) {
    state.withLock { state in
      for record in records {
        let ago = Duration.nanoseconds(max(0, wallNow.nanosecondsSinceEpoch - record.lastSeen.nanosecondsSinceEpoch))
        var entry = Entry(registeredAt: record.registeredAt, lastSeen: now - ago, lastSeenWall: record.lastSeen)
        entry.reported = record.reported
        entry.reportedAt = record.reported == nil ? nil : record.lastSeen  // at the latest
        if let reported = record.reported, let poolKey = clusterPool(record.key), let pool = pool(poolKey) {
          entry.drift = DataPlaneDrift.reasons(reported, pool: pool.config, poolName: pool.name)
        }
        entry.expired = ago >= timeout
        state.entries[record.key] = entry
      }
      readingsChanged()
    }
  }

  /// `1m30s`, `45s`, `250ms`.
  static func shown(_ duration: Duration) -> String {
    let ms = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    if ms < 1000 { return "\(ms)ms" }
    let seconds = ms / 1000
    return seconds < 60 ? "\(seconds)s" : seconds % 60 == 0 ? "\(seconds / 60)m" : "\(seconds / 60)m\(seconds % 60)s"
  }
}
