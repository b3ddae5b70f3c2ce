/// A store's revisions as calls see them: the revision applied, and a wait for a later one
/// (read-your-writes across replicas: `clusterpool-revision` / `clusterpool-min-revision`).
public protocol StoreRevisions: Sendable {
  /// The revision of the last commit applied.
  var revision: UInt64 { get }
  /// Returns once `revision` is applied; throws ``RevisionNotApplied`` at `deadline` and
  /// `CancellationError` when cancelled.
  func waitForRevision(_ revision: UInt64, until deadline: ContinuousClock.Instant) async throws
}

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
    throw RevisionNotApplied(applied: self.revision, needed: revision)
  }

  /// Number of calls waiting in ``waitForRevision(_:until:)`` (for tests and logs).
  public var revisionWaiterCount: Int { core.revisionWaiters.count }
}

/// A wait for a revision ended at its deadline: the store had applied `applied`, the caller
/// needed `needed`.
public struct RevisionNotApplied: Error, Sendable, Equatable {
  /// The revision the store had applied when the wait ended.
  public var applied: UInt64
  /// The revision the caller waited for.
  public var needed: UInt64

  /// Creates the error.
  public init(applied: UInt64, needed: UInt64) {
    self.applied = applied
    self.needed = needed
  }
}
