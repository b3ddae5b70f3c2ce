extension ClusterLifecycle {
  /// The lifecycle after `request`, or the rule it breaks. `name` only shapes messages.
  /// Operator requests and reports on a deleted cluster are `NOT_FOUND` (silence changes
  /// nothing but a DELETING cluster, which it deletes), a stale `expectedGeneration` is
  /// `ABORTED`, and a request that cannot apply in the current state is
  /// `FAILED_PRECONDITION`; asking for the state the cluster is already in changes nothing.
  public func applying(_ request: ClusterLifecycleRequest, name: ResourceName) throws(DomainError) -> ClusterLifecycle {
    switch request {
    case .undelete:
      guard state == .deleted else {
        throw DomainError(.notFound, "no deleted cluster \"\(name)\" to undelete: it is \(state)")
      }
      return changed(to: .drained)
    case .report(let report):
      guard state != .deleted else { throw Self.deleted(name) }
      var next = self
      next.hasReported = true
      guard report == .idle else { return next }
      switch state {
      case .draining: return next.changed(to: .drained)
      case .deleting: return next.changed(to: .deleted)
      case .active, .drained, .deleted: return next
      }
    case .silentPastTimeout:
      // not a request anyone waits on: a cluster deleted meanwhile (say by a zero-load
      // report) or one that left DELETING stays as it is
      return state == .deleting ? changed(to: .deleted) : self
    case .drain(let expected), .activate(let expected), .delete(let expected):
      guard state != .deleted else { throw Self.deleted(name) }
      if let expected, expected != generation {
        throw DomainError(
          .aborted,
          "cluster \"\(name)\" changed meanwhile: expected generation \(expected), it is at \(generation) (\(state)); "
            + "get it again and retry")
      }
      return try guarded(request, name: name)
    }
  }

  private func guarded(_ request: ClusterLifecycleRequest, name: ResourceName) throws(DomainError) -> ClusterLifecycle {
    switch (request, state) {
    case (.drain, .active): return changed(to: hasReported ? .draining : .drained)
    case (.drain, .draining), (.drain, .drained): return self
    case (.activate, .draining), (.activate, .drained): return changed(to: .active)
    case (.activate, .active): return self
    case (.delete, .active), (.delete, .draining): return changed(to: hasReported ? .deleting : .deleted)
    case (.delete, .drained): return changed(to: .deleted)
    case (.delete, .deleting): return self
    case (_, .deleting):
      throw DomainError(
        .failedPrecondition, "cluster \"\(name)\" is being deleted: wait for its data plane to confirm, then register it again")
    default:
      throw DomainError(.internalError, "cluster \"\(name)\": no transition for \(request) in \(state)")
    }
  }

  private func changed(to next: ClusterState) -> ClusterLifecycle {
    var copy = self
    copy.state = next
    copy.generation += 1
    return copy
  }

  static func deleted(_ name: ResourceName) -> DomainError {
    DomainError(.notFound, "cluster \"\(name)\" is deleted: undelete it (flyte undelete cluster \(name)) or register it again")
  }
}
