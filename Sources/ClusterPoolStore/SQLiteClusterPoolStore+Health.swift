public import ClusterPoolDomain
internal import Synchronization

extension SQLiteClusterPoolStore {
  /// Health saved before the last shutdown, of live clusters (for their current registration
  /// only). Read once at open; never blocks on I/O.
  public func savedHealth() -> [ClusterHealthRecord] { loadedHealth }

  /// Saves `records` in one transaction (records of clusters deleted or registered again
  /// meanwhile are skipped); returns once durable.
  public func saveHealth(_ records: [ClusterHealthRecord]) async throws(DomainError) {
    guard !records.isEmpty else { return }
    let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, DomainError>, Never>) in
      let write = Write(
        apply: { tx in
          for record in records { try ClusterHealthRows.save(tx.connection, record) }
          return Committed(pools: [], reply: { continuation.resume(returning: .success(())) })
        },
        fail: { continuation.resume(returning: .failure($0)) })
      if !enqueue(write) {
        continuation.resume(returning: .failure(DomainError(.unavailable, "the store is closed: the server is shutting down")))
      }
    }
    try result.get()
    healthSaves.add(1, ordering: .relaxed)
  }

  /// How many ``saveHealth(_:)`` transactions committed since the store opened.
  public var healthSaveCount: Int { healthSaves.load(ordering: .relaxed) }

  /// Calls `observer` on the writer thread after every commit that wrote pools (a config
  /// change, or a membership change), with those pools as committed; reads already see them.
  /// It must not block.
  public func observePools(_ observer: @escaping @Sendable ([ClusterPool]) -> Void) {
    poolObservers.withLock { $0.append(observer) }
  }
}
