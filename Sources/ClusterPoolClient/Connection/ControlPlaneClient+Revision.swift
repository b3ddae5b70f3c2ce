internal import ClusterPoolProto
internal import RPCCore
internal import RPCHTTP2

/// Read-your-writes across server replicas: the client remembers the highest revision any
/// answer carried (`clusterpool-revision`) and sends it with every later call
/// (`clusterpool-min-revision`), so a replica answers only once it has applied everything
/// this client saw, its own writes included.
extension ControlPlaneClient {
  /// The highest revision seen in an answer (or given to ``noteRevision(_:)``); 0 before any.
  public var highestRevision: UInt64 { revisions.highest }

  /// Raises ``highestRevision`` to `revision` (never lowers it): later calls need at least
  /// it, e.g. a revision printed by another process (`flyte --min-revision N`).
  public func noteRevision(_ revision: UInt64) { revisions.note(revision) }

  /// The options of a call: `timeout`, the min-revision header when a revision was seen, and
  /// the observer that remembers the answer's revision; the dry-run header for a dry-run
  /// client (``isDryRun``).
  func callOptions(timeout: Duration?) -> CallOptions {
    let highest = revisions.highest
    let revisions = self.revisions
    var options = CallOptions(
      timeout: timeout,
      metadata: highest > 0 ? [RevisionMetadata.minRevision: String(highest)] : [:],
      onResponseMetadata: { fields in
        if let text = fields.first(RevisionMetadata.revision), let revision = UInt64(text) { revisions.note(revision) }
      })
    addDryRun(to: &options)
    return options
  }
}
