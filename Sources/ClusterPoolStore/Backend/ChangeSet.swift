public import ClusterPoolDomain

/// The rows one committed transaction wrote, with the revision it ended at: what the core
/// applies to its read model (``StoreState/apply(_:)``), for this server's own commits and,
/// through a backend's change log, for other servers' commits alike.
public struct ChangeSet: Sendable, Hashable {
  /// The last revision the transaction handed out (the store's revision once applied).
  public var revision: UInt64
  /// Pool rows as written, with their derived `memberClusters`; later ones replace earlier.
  public var pools: [ClusterPool]
  /// Cluster rows as written.
  public var clusters: [Cluster]
  /// Queue rows as written, of their own or implicit (`lifecycle.clusterManaged`).
  public var queues: [Queue]
  /// Queue rows removed (a deleted cluster's implicit queue, when its name is registered
  /// again); applied before ``queues``, so a queue removed and written again is present.
  public var removedQueues: [QueueKey]
  /// Identity and access rows as written (apps, roles, policies, users, assignments).
  public var access: [AccessRow]
  /// Identity and access rows removed; applied before ``access``.
  public var removedAccess: [AccessKey]

  public init(
    revision: UInt64, pools: [ClusterPool] = [], clusters: [Cluster] = [], queues: [Queue] = [], removedQueues: [QueueKey] = [],
    access: [AccessRow] = [], removedAccess: [AccessKey] = []
  ) {
    self.revision = revision
    self.pools = pools
    self.clusters = clusters
    self.queues = queues
    self.removedQueues = removedQueues
    self.access = access
    self.removedAccess = removedAccess
  }

  /// Whether no row changed.
  public var isEmpty: Bool {
    pools.isEmpty && clusters.isEmpty && queues.isEmpty && removedQueues.isEmpty && access.isEmpty && removedAccess.isEmpty
  }

  /// Appends the rows of `later` (written after these), taking its revision when higher.
  public mutating func append(_ later: ChangeSet) {
    revision = max(revision, later.revision)
    pools += later.pools
    clusters += later.clusters
    queues += later.queues
    removedQueues += later.removedQueues
    access += later.access
    removedAccess += later.removedAccess
  }
}
