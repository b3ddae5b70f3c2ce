/// A store's revisions as calls see them: the revision applied, and a wait for a later one
/// (read-your-writes across replicas: `clusterpool-revision` / `clusterpool-min-revision`).
public protocol StoreRevisions: Sendable {
  /// The contiguous applied revision: every commit up to it is applied.
  var revision: UInt64 { get }
  /// Returns once every commit up to `revision` is applied; throws ``RevisionNotApplied`` at `deadline` and
  /// `CancellationError` when cancelled.
  func waitForRevision(_ revision: UInt64, until deadline: ContinuousClock.Instant) async throws
}
