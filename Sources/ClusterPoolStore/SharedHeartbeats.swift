public import ClusterPoolDomain

/// A heartbeat time of a cluster's registration (wall clock), as one server saw it, with the
/// last status report it received (UpdateStatus: the data plane it carried, nil for none) and
/// when, so that drift reported to one replica is read on all.
public struct ClusterHeartbeat: Sendable, Hashable {
  public var key: ClusterKey
  /// The registration it is of (the cluster's `createdAt`).
  public var registeredAt: Timestamp
  public var lastSeen: Timestamp
  /// When the last status report was received; nil when this server received none.
  public var reportedAt: Timestamp?
  /// The data plane that report carried (nil: none).
  public var reported: ReportedDataPlane?

  public init(
    key: ClusterKey, registeredAt: Timestamp, lastSeen: Timestamp, reportedAt: Timestamp? = nil, reported: ReportedDataPlane? = nil
  ) {
    self.key = key
    self.registeredAt = registeredAt
    self.lastSeen = lastSeen
    self.reportedAt = reportedAt
    self.reported = reported
  }
}

/// Where servers sharing one database trade the heartbeat times they received, so that a
/// cluster's health follows the newest heartbeat any of them saw (PostgreSQL's
/// `cluster_heartbeats`). A single embedded server has none.
public protocol SharedHeartbeats: Sendable {
  /// Stores `mine` (this server's newest heartbeat times and status reports, in one statement;
  /// an older time or report never replaces a newer one) and returns the other servers' times
  /// newer than `since`, each with the newest status report any server stored.
  func exchange(_ mine: [ClusterHeartbeat], since: Timestamp) async throws -> [ClusterHeartbeat]
}
