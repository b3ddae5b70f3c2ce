internal import ClusterPoolDomain
internal import Synchronization

/// Saving health: what changed since the last save, put back when a save failed, and loaded
/// at start.
extension ClusterHealthBoard {
  /// The entries changed since the last call, as records to save (``restore(_:)`` puts them
  /// back when the save failed).
  func takeChanged() -> [ClusterHealthRecord] {
    state.withLock { state in
      defer {
        for key in state.dirty { state.entries[key]?.savePending = false }
        state.dirty.removeAll(keepingCapacity: true)
      }
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
      for record in records where state.entries[record.key] != nil {
        state.entries[record.key]?.savePending = true
        state.dirty.insert(record.key)
      }
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
}
