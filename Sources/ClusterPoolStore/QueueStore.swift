public import ClusterPoolDomain

/// Durable storage of queues of their own (CreateQueue's, and each organization's `default`
/// queue), sharing the pool and cluster store's transaction so that the namespace, pool and
/// pin rules are checked where they are written. Implicit queues are their clusters'. Reads
/// are served from memory; writes return once durable and visible.
public protocol QueueStore: ClusterStore {
  /// The queue of its own of `key`, live or deleted (an organization's unwritten `default`
  /// queue included); nil when there is none. Never blocks on I/O.
  func queue(_ key: QueueKey) -> Queue?

  /// The queues of their own of `organization`, live and deleted, sorted by name (its
  /// `default` queue included). Never blocks on I/O.
  func queues(in organization: Organization) -> [Queue]

  /// One page of ListQueues in `organization` (from its queue names in order, not a walk of
  /// every queue): `item` makes what is listed from the queue of its own and the cluster of a
  /// name (either may be nil), `matching` says whether it belongs in the listing. Never blocks
  /// on I/O; `item` and `matching` run under the read model's lock.
  func queuePage<Item: Sendable>(
    _ organization: Organization, _ query: QueueListQuery, item: (Queue?, Cluster?) -> Item?, name: (Item) -> String,
    matching: (Item) -> Bool
  ) -> (items: [Item], nextToken: String)

  /// CreateQueue: a queue of `spec` in `state` (ACTIVE or DRAINED).
  func createQueue(_ key: QueueKey, _ spec: QueueSpec, state: QueueState, by actor: Identity) async throws(DomainError) -> Queue

  /// UpdateQueue: replaces the spec.
  func updateQueue(_ key: QueueKey, _ spec: QueueSpec, by actor: Identity) async throws(DomainError) -> Queue

  /// UpdateQueueState, DeleteQueue, UndeleteQueue.
  func changeQueue(_ key: QueueKey, _ request: QueueLifecycleRequest, by actor: Identity) async throws(DomainError) -> Queue
}

