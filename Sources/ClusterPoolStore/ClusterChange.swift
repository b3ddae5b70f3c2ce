public import ClusterPoolDomain

/// A cluster row a commit wrote, as the read model held it before (nil when new) and after.
public struct ClusterChange: Sendable {
  public var before: Cluster?
  public var after: Cluster

  public init(before: Cluster?, after: Cluster) {
    self.before = before
    self.after = after
  }

  /// Whether a watcher could see the change: anything but whether the cluster ever reported
  /// (not part of its summary) and who changed it when.
  public var isVisible: Bool {
    guard var was = before else { return true }
    was.lifecycle.hasReported = after.lifecycle.hasReported
    was.updatedAt = after.updatedAt
    was.updatedBy = after.updatedBy
    return was != after
  }
}
