/// A store's revisions as calls see them: the revision applied, and a wait for a later one
/// (read-your-writes across replicas: `clusterpool-revision` / `clusterpool-min-revision`).
public protocol StoreRevisions: Sendable {
  /// The revision of the last commit applied.
  var revision: UInt64 { get }
  /// Returns once `revision` is applied; throws ``RevisionNotApplied`` at `deadline` and
  /// `CancellationError` when cancelled.
  func waitForRevision(_ revision: UInt64, until deadline: ContinuousClock.Instant) async throws
}
