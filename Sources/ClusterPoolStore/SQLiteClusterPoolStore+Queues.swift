public import ClusterPoolDomain

extension SQLiteClusterPoolStore {
  public func queue(_ key: QueueKey) -> Queue? {
    if let queue = queues.withLock({ $0[key] }) { return queue }
    guard key.name.isDefault else { return nil }
    return pool(PoolKey(organization: key.organization, name: .defaultName)).map(Queue.defaultQueue(of:))
  }

  public func queues(in organization: Organization) -> [Queue] {
    var found = queues.withLock { table in table.values.filter { $0.key.organization == organization } }
    if !found.contains(where: \.isDefault), let pool = pool(PoolKey(organization: organization, name: .defaultName)) {
      found.append(Queue.defaultQueue(of: pool))
    }
    return found.sorted { $0.key.name < $1.key.name }
  }

  public func createQueue(_ key: QueueKey, _ spec: QueueSpec, state: QueueState, by actor: Identity) async throws(DomainError)
    -> Queue
  {
    try await performQueue { tx in try QueueWrites.create(key, spec, state: state, by: actor, in: &tx) }
  }

  public func updateQueue(_ key: QueueKey, _ spec: QueueSpec, by actor: Identity) async throws(DomainError) -> Queue {
    try await performQueue { tx in try QueueWrites.update(key, spec, by: actor, in: &tx) }
  }

  public func changeQueue(_ key: QueueKey, _ request: QueueLifecycleRequest, by actor: Identity) async throws(DomainError)
    -> Queue
  {
    try await performQueue { tx in try QueueWrites.change(key, request, by: actor, in: &tx) }
  }

  /// Runs `apply` as one write of a batch; publishes the queue and pools it returns after the
  /// commit, then answers with the queue.
  private func performQueue(
    _ apply: @escaping @Sendable (inout StoreTransaction) throws -> (Queue, [ClusterPool])
  ) async throws(DomainError) -> Queue {
    let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Queue, DomainError>, Never>) in
      let write = Write(
        apply: { tx in
          let (queue, pools) = try apply(&tx)
          return Committed(
            pools: pools, reply: { continuation.resume(returning: .success(queue)) },
            queues: queue.lifecycle.clusterManaged ? [] : [queue])
        },
        fail: { continuation.resume(returning: .failure($0)) })
      if !enqueue(write) {
        continuation.resume(returning: .failure(DomainError(.unavailable, "the store is closed: the server is shutting down")))
      }
    }
    return try result.get()
  }
}
