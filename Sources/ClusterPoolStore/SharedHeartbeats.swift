public import ClusterPoolDomain

/// A heartbeat time of a cluster's registration (wall clock), as one server saw it.
public struct ClusterHeartbeat: Sendable, Hashable {
  public var key: ClusterKey
  /// The registration it is of (the cluster's `createdAt`).
  public var registeredAt: Timestamp
  public var lastSeen: Timestamp

  public init(key: ClusterKey, registeredAt: Timestamp, lastSeen: Timestamp) {
    self.key = key
    self.registeredAt = registeredAt
    self.lastSeen = lastSeen
  }
}

/// Where servers sharing one database trade the heartbeat times they received, so that a
/// cluster's health follows the newest heartbeat any of them saw (PostgreSQL's
/// `cluster_heartbeats`). A single embedded server has none.
public protocol SharedHeartbeats: Sendable {
  /// Stores `mine` (this server's newest heartbeat times, in one statement; an older time
  /// never replaces a newer one) and returns the other servers' times newer than `since`.
  func exchange(_ mine: [ClusterHeartbeat], since: Timestamp) async throws -> [ClusterHeartbeat]
}
