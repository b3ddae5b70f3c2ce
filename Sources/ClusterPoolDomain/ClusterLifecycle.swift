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
  /// Alive, without a word about its workloads (a Heartbeat, or an UpdateStatus without
  /// `status.capabilities.execution_load`).
  case alive
  /// Executions are still running (some count of its execution load is not zero).
  case busy
  /// Nothing is left running: its execution load reported with all three counts zero.
  case idle

  /// The report of an UpdateStatus that carried `load` (nil: it carried none).
  public init(load: ExecutionLoad?) {
    guard let load else {
      self = .alive
      return
    }
    self = load.isZero ? .idle : .busy
  }
}

/// What a data plane reports still running (`status.capabilities.execution_load`): a DRAINING
/// or DELETING cluster is done when all three counts are zero.
public struct ExecutionLoad: Sendable, Hashable {
  /// `active_executions_count`: runs still executing.
  public var activeExecutions: Int64
  /// `active_node_executions_count`: node executions still running.
  public var activeNodeExecutions: Int64
  /// `active_task_executions_count`: task executions still running.
  public var activeTaskExecutions: Int64

  public init(activeExecutions: Int64 = 0, activeNodeExecutions: Int64 = 0, activeTaskExecutions: Int64 = 0) {
    self.activeExecutions = activeExecutions
    self.activeNodeExecutions = activeNodeExecutions
    self.activeTaskExecutions = activeTaskExecutions
  }

  /// Whether nothing is running: all three counts zero.
  public var isZero: Bool { activeExecutions == 0 && activeNodeExecutions == 0 && activeTaskExecutions == 0 }
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
  /// The data plane has been silent for the heartbeat timeout: a DELETING cluster's data
  /// plane is gone, so it is DELETED (any other state is kept).
  case silentPastTimeout
}

/// A cluster's lifecycle as a value: its state, the generation guarding concurrent operators,
/// and whether its data plane has ever reported (a cluster that never did drains and deletes
/// at once, since nothing can be running on it). A cluster that did leaves DRAINING on a
/// zero-load report, and DELETING on one or on silence for the heartbeat timeout: none waits
/// forever for a signal.
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
