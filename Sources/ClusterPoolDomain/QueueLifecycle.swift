/// Where a queue is in its life (`status.state` on the wire).
public enum QueueState: Sendable, Hashable, CaseIterable, CustomStringConvertible {
  /// Accepting and dispatching work.
  case active
  /// Asked to drain. This service tracks no running work per queue, so a drain completes at
  /// once and a stored queue is never left here; the case exists for the wire's sake.
  case draining
  /// Drained: its pool can change, and it can be deleted.
  case drained
  /// Soft-deleted: its name is free again.
  case deleted

  public var description: String {
    switch self {
    case .active: "ACTIVE"
    case .draining: "DRAINING"
    case .drained: "DRAINED"
    case .deleted: "DELETED"
    }
  }
}

/// A change asked of a queue's lifecycle. `expectedGeneration` nil means "no guard" (the
/// wire's 0); otherwise it must equal `state_generation` or the request is `ABORTED`.
public enum QueueLifecycleRequest: Sendable, Hashable {
  /// UpdateQueueState to DRAINING (completes at once: DRAINED).
  case drain(expectedGeneration: UInt64?)
  /// UpdateQueueState to ACTIVE.
  case activate(expectedGeneration: UInt64?)
  /// DeleteQueue.
  case delete(expectedGeneration: UInt64?)
  /// UndeleteQueue.
  case undelete
  /// UpdateQueue; `changesPool` when it moves the queue to another pool.
  case update(changesPool: Bool)
  /// The implicit queue's cluster was deleted (the queue goes with it).
  case clusterDeleted
  /// The implicit queue's cluster was undeleted (the queue comes back with it).
  case clusterUndeleted
}

/// A queue's lifecycle as a value: its state, `state_generation`, and whether it is the
/// implicit queue of a cluster (which follows its cluster and cannot change on its own).
public struct QueueLifecycle: Sendable, Hashable {
  /// The current state.
  public var state: QueueState
  /// Increases by one on every state change; starts at 1.
  public var generation: UInt64
  /// Whether this is a cluster's implicit queue.
  public var clusterManaged: Bool

  public init(state: QueueState = .active, generation: UInt64 = 1, clusterManaged: Bool = false) {
    self.state = state
    self.generation = generation
    self.clusterManaged = clusterManaged
  }

  /// Whether the queue counts as live (its name taken, its pool referenced).
  public var isLive: Bool { state != .deleted }
}
