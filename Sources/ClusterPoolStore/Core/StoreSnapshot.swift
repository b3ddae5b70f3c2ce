public import ClusterPoolDomain
internal import Synchronization

/// The read model: every pool, cluster and queue of its own as of one revision, as one
/// value. The store publishes one snapshot per commit (``apply(_:)`` under one lock), so a
/// read never sees a commit's pools without its clusters; a copy taken with
/// ``PoolStore/snapshot()`` stays consistent while later commits go on.
public struct StoreSnapshot: Sendable {
  /// The revision of the last change set applied.
  public private(set) var revision: UInt64
  var catalog: PoolCatalog
  /// Every stored cluster, live or deleted (changed only through ``store(_:)``, which keeps
  /// the indexes and counts).
  var clusters: [ClusterKey: Cluster] = [:]
  /// Every stored queue of its own (not a cluster's implicit one), live or deleted (changed
  /// only through ``store(_:at:)``).
  var queues: [QueueKey: Queue] = [:]
  /// Each organization's cluster and queue names in order, and its version.
  var indexes: [Organization: OrganizationIndex] = [:]
  /// The version of an organization this snapshot has not changed since it was loaded.
  let baseVersion = StoreSnapshot.nextVersion()
  /// Pools, clusters and queues by state, kept up to date with every row stored (the
  /// clusters' keys left out): what ``census()`` answers.
  var counts = StoreCensus()
  /// The revision each row written since the load is current as of.
  var rowRevisions = RowRevisions()
  /// Every organization's identity and access objects.
  var access: AccessCatalog
  /// Changes whenever an identity or access row does (an app, role, policy, user or
  /// assignment), unique in the process: what caches of authentication and grants key on. The
  /// revision would not tell: a follower may apply another replica's older commit after its own.
  public private(set) var accessVersion: UInt64 = StoreSnapshot.nextAccessVersion()
  private static let accessVersions = Atomic<UInt64>(0)

  private static func nextAccessVersion() -> UInt64 { accessVersions.add(1, ordering: .relaxed).newValue }

  /// The read model of `rows` as loaded at open; the `default` pool of organizations that
  /// never wrote one is `defaultPool`'s. Pools' members are derived from the live clusters.
  init(rows: StoredRows, defaultPool: DefaultPoolTemplate) {
    catalog = PoolCatalog(defaultPool: defaultPool)
    access = AccessCatalog(createdAt: rows.createdAt, rows: rows.access)
    revision = rows.revision
    var members: [PoolKey: [ResourceName]] = [:]
    for cluster in rows.clusters {
      store(cluster)
      if cluster.isLive { members[cluster.poolKey, default: []].append(cluster.key.name) }
    }
    var pools: [ClusterPool] = []
    pools.reserveCapacity(rows.pools.count)
    var values = SharedValues()
    for pool in rows.pools {
      var pool = values.share(pool)
      pool.memberClusters = pool.isDeleted ? [] : (members[pool.key] ?? []).sorted()
      pools.append(pool)
      revision = max(revision, pool.revision)
    }
    catalog.upsert(contentsOf: pools)
    for queue in rows.queues where !queue.lifecycle.clusterManaged { store(queue, at: queue.key) }
  }

  /// Applies the rows of one commit (this server's or, through a change log, another's):
  /// removed queues first, then pools, clusters and queues in the order written. The rows are
  /// current as of `asOf` (default: the change set's revision; a follower's rows read from the
  /// database later may be newer); a row held current as of a later revision is kept
  /// (``RowRevisions``). Returns the rows applied.
  @discardableResult
  public mutating func apply(_ changes: ChangeSet, asOf: UInt64? = nil) -> ChangeSet {
    let asOf = max(asOf ?? changes.revision, changes.revision)
    var applied = ChangeSet(revision: changes.revision)
    for key in changes.removedQueues where rowRevisions.take(key, asOf) {
      store(nil, at: key)
      applied.removedQueues.append(key)
    }
    for pool in changes.pools where rowRevisions.take(pool.key, asOf) { applied.pools.append(pool) }
    catalog.upsert(contentsOf: applied.pools)
    for cluster in changes.clusters where rowRevisions.take(cluster.key, asOf) {
      store(cluster)
      applied.clusters.append(cluster)
    }
    for queue in changes.queues where rowRevisions.take(queue.key, asOf) {
      // an implicit queue follows its cluster and is read from it; its name is no queue of its own
      store(queue.lifecycle.clusterManaged ? nil : queue, at: queue.key)
      applied.queues.append(queue)
    }
    for key in changes.removedAccess where rowRevisions.take(key, asOf) {
      access.remove(key)
      applied.removedAccess.append(key)
    }
    for row in changes.access where rowRevisions.take(row.key, asOf) {
      access.upsert(row)
      applied.access.append(row)
    }
    if !applied.access.isEmpty || !applied.removedAccess.isEmpty { accessVersion = Self.nextAccessVersion() }
    touch(
      Set(
        applied.pools.map(\.organization) + applied.clusters.map(\.key.organization) + applied.queues.map(\.key.organization)
          + applied.removedQueues.map(\.organization)))
    revision = max(revision, changes.revision)
    return applied
  }

  /// Number of stored pools.
  public var poolCount: Int { catalog.count }

  /// The pool of `key`, live or deleted (an untouched organization's implicit `default`
  /// included); nil when there is none.
  public func pool(_ key: PoolKey) -> ClusterPool? { catalog.pool(key) }

  /// One page of `query` in `organization`.
  public func list(_ organization: Organization, _ query: ListQuery) -> ListPage { catalog.list(organization, query) }

  /// The cluster of `key`, live or deleted; nil when there is none.
  public func cluster(_ key: ClusterKey) -> Cluster? { clusters[key] }

  /// The clusters of `organization` (deleted ones only when asked), sorted by name.
  public func clusters(in organization: Organization, includeDeleted: Bool = false) -> [Cluster] {
    let index = clusterIndex(organization)
    let names = includeDeleted ? index.names(deleted: false) + index.names(deleted: true) : index.names(deleted: false)
    let found = names.compactMap { clusters[ClusterKey(organization: organization, name: $0)] }
    return includeDeleted ? found.sorted { $0.key.name < $1.key.name } : found
  }

  /// The clusters of every organization in `state`, in no particular order.
  public func clusters(state: ClusterState) -> [Cluster] {
    clusters.values.filter { $0.lifecycle.state == state }
  }

  /// The queue of its own of `key`, live or deleted (an organization's unwritten `default`
  /// queue included); nil when there is none.
  public func queue(_ key: QueueKey) -> Queue? {
    if let queue = queues[key] { return queue }
    guard key.name.isDefault else { return nil }
    return pool(PoolKey(organization: key.organization, name: .defaultName)).map(Queue.defaultQueue(of:))
  }

  /// The queues of their own of `organization`, live and deleted, sorted by name (its
  /// `default` queue included).
  public func queues(in organization: Organization) -> [Queue] {
    let index = queueIndex(organization)
    var found = (index.names(deleted: false) + index.names(deleted: true) + [.defaultName]).compactMap {
      queues[QueueKey(organization: organization, name: $0)]
    }
    if !found.contains(where: \.isDefault), let pool = pool(PoolKey(organization: organization, name: .defaultName)) {
      found.append(Queue.defaultQueue(of: pool))
    }
    return found.sorted { $0.key.name < $1.key.name }
  }
}
