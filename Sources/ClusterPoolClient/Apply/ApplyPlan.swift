/// What `flyte apply` does to make the organization match its documents: changes in
/// dependency order (pools, then clusters, queues, roles, policies, assignments; deletions in
/// the reverse order), and the objects the documents do not name.
///
/// Pools, clusters and queues are always compared; roles, policies and assignments only when
/// the documents hold at least one of that kind. The `default` pool and queue, clusters'
/// implicit queues, built-in roles and policies, and assignments are never deleted.
public struct ApplyPlan: Sendable {
  /// The changes, in the order they run.
  public var changes: [ApplyChange]
  /// Objects on the server no document names: deleted by `--prune` (then also in
  /// `changes`), else listed as "not managed here".
  public var unmanaged: [ApplyObjectName]
  /// Whether unmanaged objects are deleted.
  public var prune: Bool
  /// How many documents the plan was made from.
  public var documentCount: Int

  /// Whether anything would change.
  public var hasChanges: Bool { !changes.isEmpty }

  /// The plan for `documents` against `current`; throws what forbids it, each problem with
  /// its file and line (a pool referred to but neither in the documents nor on the server, a
  /// cluster that cannot move, a built-in object that would change).
  public init(_ documents: ApplyDocuments, current: OrganizationState, prune: Bool = false) throws(ApplyError) {
    var builder = ApplyPlanBuilder(documents: documents.documents, current: current, prune: prune)
    builder.build()
    if !builder.problems.isEmpty { throw ApplyError(builder.problems) }
    self.changes = builder.changes
    self.unmanaged = builder.unmanaged
    self.prune = prune
    self.documentCount = documents.documents.count
  }

  /// Which access kinds (roles, policies, assignments) `documents` manage.
  public static func managesAccess(_ documents: ApplyDocuments) -> Bool {
    documents.documents.contains { $0.kind.isAccess }
  }
}
