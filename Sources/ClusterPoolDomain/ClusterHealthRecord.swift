/// A cluster's last health report as it is persisted: when it last reported (Heartbeat or
/// UpdateStatus) and the data plane it last reported. Soft state: the server keeps it in
/// memory and saves it on an interval and at shutdown, never once per report.
public struct ClusterHealthRecord: Sendable, Hashable {
  public var key: ClusterKey
  /// The registration this health belongs to (the cluster's `createdAt`): a cluster that is
  /// deleted and registered again starts with no health.
  public var registeredAt: Timestamp
  /// Wall-clock time of the last Heartbeat or UpdateStatus.
  public var lastSeen: Timestamp
  /// The data plane of the last UpdateStatus that carried one; nil when none did.
  public var reported: ReportedDataPlane?

  public init(key: ClusterKey, registeredAt: Timestamp, lastSeen: Timestamp, reported: ReportedDataPlane? = nil) {
    self.key = key
    self.registeredAt = registeredAt
    self.lastSeen = lastSeen
    self.reported = reported
  }
}
