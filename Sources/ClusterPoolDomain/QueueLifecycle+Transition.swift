extension QueueLifecycle {
  /// The lifecycle after `request` of the queue `name`, or the rule it breaks. Requests on a
  /// deleted queue are `NOT_FOUND` (except undelete), a cluster-managed queue refuses changes
  /// of its own with `FAILED_PRECONDITION`, as the organization's `default` queue refuses a
  /// delete or a move out of the `default` pool (it can be drained, activated and updated), a
  /// stale `expectedGeneration` is `ABORTED`, and asking for the state the queue is already in
  /// changes nothing.
  public func applying(_ request: QueueLifecycleRequest, name: ResourceName) throws(DomainError) -> QueueLifecycle {
    switch request {
    case .clusterDeleted, .clusterUndeleted:
      guard clusterManaged else {
        throw DomainError(.internalError, "queue \"\(name)\" is not a cluster's implicit queue")
      }
      if request == .clusterDeleted { return state == .deleted ? self : changed(to: .deleted) }
      return state == .deleted ? changed(to: .active) : self
    case .undelete:
      guard state == .deleted else {
        throw DomainError(.notFound, "no deleted queue \"\(name)\" to undelete: it is \(state)")
      }
      try ownChangeAllowed(name)
      return changed(to: .drained)
    case .update(let changesPool):
      guard state != .deleted else { throw Self.deleted(name) }
      try ownChangeAllowed(name)
      if changesPool && name.isDefault { throw Self.defaultQueueStays(moving: true) }
      guard !changesPool || state == .drained else {
        throw DomainError(
          .failedPrecondition,
          "queue \"\(name)\" is \(state): its pool can change only while it is DRAINED; drain it first (flyte update queue \(name) --drain)")
      }
      return self
    case .drain(let expected), .activate(let expected), .delete(let expected):
      guard state != .deleted else { throw Self.deleted(name) }
      try ownChangeAllowed(name)
      if case .delete = request, name.isDefault { throw Self.defaultQueueStays(moving: false) }
      if let expected, expected != generation {
        throw DomainError(
          .aborted,
          "queue \"\(name)\" changed meanwhile: expected state generation \(expected), it is at \(generation) (\(state)); "
            + "get it again and retry")
      }
      switch (request, state) {
      case (.drain, .drained), (.activate, .active): return self
      case (.drain, _): return changed(to: .drained)
      case (.activate, _): return changed(to: .active)
      case (_, .drained): return changed(to: .deleted)
      default:
        throw DomainError(
          .failedPrecondition, "queue \"\(name)\" is \(state): drain it first (flyte update queue \(name) --drain), then delete it")
      }
    }
  }

  private func ownChangeAllowed(_ name: ResourceName) throws(DomainError) {
    guard clusterManaged else { return }
    throw DomainError(
      .failedPrecondition,
      "queue \"\(name)\" is the implicit queue of cluster \"\(name)\" and follows it: drain, delete or undelete the cluster instead")
  }

  private func changed(to next: QueueState) -> QueueLifecycle {
    var copy = self
    copy.state = next
    copy.generation += 1
    return copy
  }

  /// The `default` queue's refusal of a delete or a move out of the `default` pool.
  static func defaultQueueStays(moving: Bool) -> DomainError {
    DomainError(
      .failedPrecondition,
      moving
        ? "queue \"default\" stays in cluster pool \"default\" (every organization's default queue lives there): "
          + "create another queue for the other cluster pool"
        : "queue \"default\" cannot be deleted: every organization keeps its default queue (as its default cluster pool); "
          + "drain it to stop it dispatching (flyte update queue default --drain)")
  }

  static func deleted(_ name: ResourceName) -> DomainError {
    DomainError(.notFound, "queue \"\(name)\" is deleted: undelete it (flyte undelete queue \(name)) to use it again")
  }
}
