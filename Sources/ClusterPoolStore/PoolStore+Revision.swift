/// Read-your-writes across replicas: a call that must see a revision waits until this store
/// has applied it.
extension PoolStore: StoreRevisions {
  /// Returns once the store has applied every commit up to `revision` (its contiguous
  /// ``revision``: its own commits, and other servers' through ``apply(_:asOf:)``), at once
  /// when it already has. Waiting is event-driven: the commit or change set that raises the
  /// revision resumes the waiter; no thread is held.
  ///
  /// A revision this store committed itself (a write's answer reports it) may still be above
  /// the contiguous one when another server committed just before it and the follower has not
  /// read that yet: a wait for it then lasts until the follower has (one catch-up, woken by
  /// the commit's notification), never answering with the other server's commit missing.
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
