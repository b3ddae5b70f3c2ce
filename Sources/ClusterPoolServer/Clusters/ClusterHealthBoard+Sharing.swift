internal import ClusterPoolDomain
internal import ClusterPoolStore

extension ClusterHealthBoard {
  /// The heartbeat times this server received since the last call (the newest of each
  /// cluster), to share with the other replicas.
  func takeHeard() -> [ClusterHeartbeat] {
    state.withLock { state in
      defer { state.heardHere.removeAll(keepingCapacity: true) }
      return state.heardHere.compactMap { key in
        state.entries[key].flatMap { $0.heard ? ClusterHeartbeat(key: key, registeredAt: $0.registeredAt, lastSeen: $0.lastSeenWall) : nil }
      }
    }
  }

  /// Takes heartbeats other replicas received: a cluster's last heartbeat becomes the newer of
  /// its own and theirs (for its current registration, `cluster` of the key); returns the
  /// clusters whose reading changed (unknown or timed out before), to tell watchers.
  func heardElsewhere(
    _ beats: [ClusterHeartbeat], cluster: (ClusterKey) -> Cluster?, now: ContinuousClock.Instant = .now,
    wallNow: Timestamp = WallClock.now()
  ) -> [ClusterKey] {
    var changed: [ClusterKey] = []
    for beat in beats {
      guard let current = cluster(beat.key), current.isLive, current.createdAt == beat.registeredAt else { continue }
      let ago = Duration.nanoseconds(max(0, wallNow.nanosecondsSinceEpoch - beat.lastSeen.nanosecondsSinceEpoch))
      let seen = now - ago
      let wasNews = state.withLock { state -> Bool in
        let old = state.entries[beat.key].flatMap { $0.registeredAt == beat.registeredAt ? $0 : nil }
        if let old, old.heard, old.lastSeen >= seen { return false }
        var entry = old ?? Entry(registeredAt: beat.registeredAt, lastSeen: seen, lastSeenWall: beat.lastSeen)
        let before = old.map { $0.heard && !$0.expired && now - $0.lastSeen < timeout } ?? false
        entry.lastSeen = seen
        entry.lastSeenWall = beat.lastSeen
        entry.heard = true
        entry.expired = now - seen >= timeout
        state.entries[beat.key] = entry
        return !before && !entry.expired
      }
      if wasNews { changed.append(beat.key) }
    }
    return changed
  }
}
