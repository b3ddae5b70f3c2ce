/// Read-your-writes across replicas: a call that must see a revision waits until this store
/// has applied it.
extension PoolStore: StoreRevisions {
  /// Returns once the store has applied `revision` (its own commits, or other servers'
  /// through ``apply(_:)``), at once when it already has. Waiting is event-driven: the
  /// commit or change set that raises the revision resumes the waiter; no thread is held.
  ///
  /// Throws ``RevisionNotApplied`` when `deadline` passes first, and `CancellationError`
  /// when the task is cancelled (its waiter is removed at once).
  public func waitForRevision(_ revision: UInt64, until deadline: ContinuousClock.Instant) async throws {
    if await core.revisionWaiters.wait(for: revision, until: deadline) { return }
    try Task.checkCancellation()
    if self.revision >= revision { return }  // applied just as the deadline passed
    throw RevisionNotApplied(applied: self.revision, needed: revision)
  }

  /// Number of calls waiting in ``waitForRevision(_:until:)`` (for tests and logs).
  public var revisionWaiterCount: Int { core.revisionWaiters.count }
}
