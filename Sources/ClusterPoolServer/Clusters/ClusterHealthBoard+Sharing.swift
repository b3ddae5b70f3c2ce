internal import ClusterPoolDomain
internal import ClusterPoolStore

extension ClusterHealthBoard {
  /// The heartbeat times this server received since the last call (the newest of each
  /// cluster), with its last status report, to share with the other replicas.
  func takeHeard() -> [ClusterHeartbeat] {
    state.withLock { state in
      defer {
        for key in state.heardHere { state.entries[key]?.sharePending = false }
        state.heardHere.removeAll(keepingCapacity: true)
      }
      return state.heardHere.compactMap { key in
        state.entries[key].flatMap {
          $0.heard
            ? ClusterHeartbeat(
              key: key, registeredAt: $0.registeredAt, lastSeen: $0.lastSeenWall, reportedAt: $0.reportedAt, reported: $0.reported)
            : nil
        }
      }
    }
  }

  /// Takes heartbeats other replicas received: a cluster's last heartbeat becomes the newer of
  /// its own and theirs, and its reported data plane the newer status report's, with its drift
  /// from the pool's config (for its current registration, `cluster` of the key, its pool
  /// `pool`); returns the clusters whose reading changed (unknown or timed out before, or
  /// another drift), to tell watchers.
  func heardElsewhere(
    _ beats: [ClusterHeartbeat], cluster: (ClusterKey) -> Cluster?, pool: (PoolKey) -> ClusterPool? = { _ in nil },
    now: ContinuousClock.Instant = .now, wallNow: Timestamp = WallClock.now()
  ) -> [ClusterKey] {
    var changed: [ClusterKey] = []
    for beat in beats {
      guard let current = cluster(beat.key), current.isLive, current.createdAt == beat.registeredAt else { continue }
      let ago = Duration.nanoseconds(max(0, wallNow.nanosecondsSinceEpoch - beat.lastSeen.nanosecondsSinceEpoch))
      let seen = now - ago
      let poolConfig = pool(current.poolKey)?.config
      let wasNews = state.withLock { state -> Bool in
        let old = state.entries[beat.key].flatMap { $0.registeredAt == beat.registeredAt ? $0 : nil }
        var entry = old ?? Entry(registeredAt: beat.registeredAt, lastSeen: seen, lastSeenWall: beat.lastSeen)
        let before = old.map { $0.heard && !$0.expired && now - $0.lastSeen < timeout } ?? false
        var news = false
        if old == nil || !(old!.heard) || old!.lastSeen < seen {
          entry.lastSeen = seen
          entry.lastSeenWall = beat.lastSeen
          entry.heard = true
          entry.expired = now - seen >= timeout
          news = !before && !entry.expired
        }
        if let reportedAt = beat.reportedAt,
          reportedAt.nanosecondsSinceEpoch > (entry.reportedAt?.nanosecondsSinceEpoch ?? .min)
        {
          entry.reported = beat.reported
          entry.reportedAt = reportedAt
          let config = state.poolConfigs[current.poolKey] ?? poolConfig
          let drift = beat.reported.flatMap { data in config.map { DataPlaneDrift.reasons(data, pool: $0, poolName: current.poolName) } } ?? []
          if drift != entry.drift { news = true }
          entry.drift = drift
        }
        guard old == nil || news || entry.reportedAt != old!.reportedAt || entry.lastSeen != old!.lastSeen else { return false }
        state.entries[beat.key] = entry
        // a healthy cluster heard again elsewhere reads the same: only another reading counts
        if news || old == nil || !old!.heard { readingsChanged() }
        return news
      }
      if wasNews { changed.append(beat.key) }
    }
    return changed
  }
}
