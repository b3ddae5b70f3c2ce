public import ClusterPoolDomain
internal import Synchronization

/// What the read model keeps per organization besides its rows: its cluster names and its
/// queue names in order (``NameIndex``: what ListClusters and ListQueues page through), and a
/// version that changes whenever one of its pools, clusters or queues does.
struct OrganizationIndex: Sendable {
  var clusters = NameIndex()
  /// The names of its queues: its queues of their own and its clusters' implicit ones (live
  /// when either is live), its `default` left out (a listing adds it: every organization has
  /// one, stored or implicit).
  var queues = NameIndex()
  var version: UInt64
}

extension StoreSnapshot {
  private static let versions = Atomic<UInt64>(0)

  /// A version unique in the process.
  static func nextVersion() -> UInt64 { versions.add(1, ordering: .relaxed).newValue }

  /// Changes whenever a pool, cluster or queue of `organization` does (a commit's or a
  /// reload's); unique in the process, so a value kept from before a reload never matches
  /// after it. What a reply derived from an organization's rows (GetQueue's) is kept with.
  public func version(of organization: Organization) -> UInt64 {
    indexes[organization]?.version ?? baseVersion
  }

  /// A new version for each of `organizations`.
  mutating func touch(_ organizations: some Sequence<Organization>) {
    for organization in organizations {
      indexes[organization, default: OrganizationIndex(version: 0)].version = Self.nextVersion()
    }
  }

  /// Whether the queue name `name` of `organization` is live (a queue of its own or a cluster
  /// of that name is), deleted, or absent (nil).
  func queueNameLiveness(_ organization: Organization, _ name: ResourceName) -> Bool? {
    let own = queues[QueueKey(organization: organization, name: name)]
    let cluster = clusters[ClusterKey(organization: organization, name: name)]
    if own == nil && cluster == nil { return nil }
    return own?.isLive == true || cluster?.isLive == true
  }

  /// Stores `cluster` (replacing the one of its key) with its indexes and counts.
  mutating func store(_ cluster: Cluster) {
    let key = cluster.key
    let wasQueue = queueNameLiveness(key.organization, key.name)
    let old = clusters.updateValue(cluster, forKey: key)
    if let old { counts.clusters[old.lifecycle.state, default: 0] -= 1 }
    counts.clusters[cluster.lifecycle.state, default: 0] += 1
    indexes[key.organization, default: OrganizationIndex(version: baseVersion)].clusters.move(
      key.name.value, from: old?.isLive, to: cluster.isLive)
    reindexQueueName(key.organization, key.name, from: wasQueue)
  }

  /// Stores the queue of its own of `key` (`queue`, or none), with its indexes and counts.
  mutating func store(_ queue: Queue?, at key: QueueKey) {
    let wasQueue = queueNameLiveness(key.organization, key.name)
    let old = if let queue { queues.updateValue(queue, forKey: key) } else { queues.removeValue(forKey: key) }
    if let old { counts.queues[old.lifecycle.state, default: 0] -= 1 }
    if let queue { counts.queues[queue.lifecycle.state, default: 0] += 1 }
    reindexQueueName(key.organization, key.name, from: wasQueue)
  }

  private mutating func reindexQueueName(_ organization: Organization, _ name: ResourceName, from wasLive: Bool?) {
    guard !name.isDefault else { return }
    let isLive = queueNameLiveness(organization, name)
    guard wasLive != isLive else { return }
    indexes[organization, default: OrganizationIndex(version: baseVersion)].queues.move(name.value, from: wasLive, to: isLive)
  }

  /// The cluster name index of `organization` (empty when it has none).
  func clusterIndex(_ organization: Organization) -> NameIndex { indexes[organization]?.clusters ?? NameIndex() }

  /// The queue name index of `organization` (its `default` left out).
  func queueIndex(_ organization: Organization) -> NameIndex { indexes[organization]?.queues ?? NameIndex() }

  /// One page of ListClusters in `organization`.
  public func clusterPage(_ organization: Organization, _ query: ClusterListQuery) -> (clusters: [Cluster], nextToken: String) {
    query.page(clusterIndex(organization)) { clusters[ClusterKey(organization: organization, name: $0)] }
  }

  /// One page of ListQueues in `organization`: `item` makes what is listed from the queue of
  /// its own and the cluster of a name (either may be nil; nil: nothing listed).
  public func queuePage<Item>(
    _ organization: Organization, _ query: QueueListQuery, item: (Queue?, Cluster?) -> Item?, name: (Item) -> String,
    matching: (Item) -> Bool
  ) -> (items: [Item], nextToken: String) {
    query.page(
      queueIndex(organization), extra: ResourceName.defaultName.value,
      { name in
        item(queue(QueueKey(organization: organization, name: name)), clusters[ClusterKey(organization: organization, name: name)])
      }, name: name, matching: matching)
  }
}
