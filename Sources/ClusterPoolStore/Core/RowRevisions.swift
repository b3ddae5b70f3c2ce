internal import ClusterPoolDomain

/// For each row key the read model holds, the revision its row is current as of: the highest
/// revision of a change set that wrote it (this server's commit, or rows read from the
/// database by a follower as of a revision). A row replaces the one in memory only when it is
/// current as of at least as late a revision, so change sets applied in any order — a
/// follower's rows read just before this server's own later commit is applied, or after it —
/// never bring an older row back.
struct RowRevisions: Sendable {
  private var pools: [PoolKey: UInt64] = [:]
  private var clusters: [ClusterKey: UInt64] = [:]
  private var queues: [QueueKey: UInt64] = [:]
  private var access: [AccessKey: UInt64] = [:]

  /// Whether a row of `key` current as of `revision` replaces the one held; records it if so.
  mutating func take(_ key: PoolKey, _ revision: UInt64) -> Bool { Self.take(&pools, key, revision) }
  mutating func take(_ key: ClusterKey, _ revision: UInt64) -> Bool { Self.take(&clusters, key, revision) }
  mutating func take(_ key: QueueKey, _ revision: UInt64) -> Bool { Self.take(&queues, key, revision) }
  mutating func take(_ key: AccessKey, _ revision: UInt64) -> Bool { Self.take(&access, key, revision) }

  private static func take<Key: Hashable>(_ held: inout [Key: UInt64], _ key: Key, _ revision: UInt64) -> Bool {
    if let current = held[key], current > revision { return false }
    held[key] = revision
    return true
  }
}
