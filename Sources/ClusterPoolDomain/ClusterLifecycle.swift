/// Where a cluster is in its life (`drain_status.overall_state` on the wire).
public enum ClusterState: Sendable, Hashable, CaseIterable, CustomStringConvertible {
  /// Registered and routable.
  case active
  /// Out of routing; the data plane is finishing its runs and apps.
  case draining
  /// Out of routing with nothing left running.
  case drained
  /// Deleted by an operator; waiting for the data plane to confirm.
  case deleting
  /// Soft-deleted: its name is free again.
  case deleted

  public var description: String {
    switch self {
    case .active: "ACTIVE"
    case .draining: "DRAINING"
    case .drained: "DRAINED"
    case .deleting: "DELETING"
    case .deleted: "DELETED"
    }
  }
}

/// What the data plane said in a Heartbeat or UpdateStatus, as far as the lifecycle cares.
public enum DataPlaneReport: Sendable, Hashable, CaseIterable {
  /// Alive, without a word about its workloads (a Heartbeat).
  case alive
  /// Runs or apps are still running.
  case busy
  /// No runs and no apps are left.
  case idle
}

/// A change asked of a cluster's lifecycle. `expectedGeneration` nil means "no guard" (the
/// wire's 0); otherwise it must equal the current generation or the request is `ABORTED`.
public enum ClusterLifecycleRequest: Sendable, Hashable {
  /// UpdateClusterState to DRAINING.
  case drain(expectedGeneration: UInt64?)
  /// UpdateClusterState to ACTIVE.
  case activate(expectedGeneration: UInt64?)
  /// DeleteCluster.
  case delete(expectedGeneration: UInt64?)
  /// UndeleteCluster.
  case undelete
  /// A Heartbeat or UpdateStatus from the data plane.
  case report(DataPlaneReport)
}

/// A cluster's lifecycle as a value: its state, the generation guarding concurrent operators,
/// and whether its data plane has ever reported (a cluster that never did drains and deletes
/// at once, since nothing can be running on it).
public struct ClusterLifecycle: Sendable, Hashable {
  /// The current state.
  public var state: ClusterState
  /// Increases by one on every state change; starts at 1.
  public var generation: UInt64
  /// Whether a Heartbeat or UpdateStatus was ever received.
  public var hasReported: Bool

  public init(state: ClusterState = .active, generation: UInt64 = 1, hasReported: Bool = false) {
    self.state = state
    self.generation = generation
    self.hasReported = hasReported
  }

  /// A freshly registered cluster.
  public static let registered = ClusterLifecycle()

  /// Whether the cluster counts as live (a pool member with its name taken).
  public var isLive: Bool { state != .deleted }
}
