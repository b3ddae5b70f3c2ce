public import ClusterPoolDomain

extension PoolStore: QueueStore {
  public func queue(_ key: QueueKey) -> Queue? {
    core.state.withLock { $0.queue(key) }
  }

  public func queues(in organization: Organization) -> [Queue] {
    core.state.withLock { $0.queues(in: organization) }
  }

  public func queuePage<Item: Sendable>(
    _ organization: Organization, _ query: QueueListQuery, item: (Queue?, Cluster?) -> Item?, name: (Item) -> String,
    matching: (Item) -> Bool
  ) -> (items: [Item], nextToken: String) {
    core.state.withLock { $0.queuePage(organization, query, item: item, name: name, matching: matching) }
  }

  public func createQueue(_ key: QueueKey, _ spec: QueueSpec, state: QueueState, by actor: Identity) async throws(DomainError)
    -> Queue
  {
    let reads = RowKeys(
      pools: [PoolKey(organization: key.organization, name: .defaultName), PoolKey(organization: key.organization, name: spec.poolName)],
      clusters: [key.clusterKey], queues: [key])
    return try await perform(touching: [key.organization], reading: reads, auditing: .init(kind: "queue", name: key.name.value)) { tx in try await QueueWrites.create(key, spec, state: state, by: actor, in: tx) }
  }

  public func updateQueue(_ key: QueueKey, _ spec: QueueSpec, by actor: Identity) async throws(DomainError) -> Queue {
    try await perform(touching: [key.organization], auditing: .init(kind: "queue", name: key.name.value)) { tx in try await QueueWrites.update(key, spec, by: actor, in: tx) }
  }

  public func changeQueue(_ key: QueueKey, _ request: QueueLifecycleRequest, by actor: Identity) async throws(DomainError)
    -> Queue
  {
    try await perform(touching: [key.organization], auditing: .init(kind: "queue", name: key.name.value)) { tx in try await QueueWrites.change(key, request, by: actor, in: tx) }
  }
}
