public import ClusterPoolDomain
internal import Synchronization

extension PoolStore {
  /// Health saved before the last shutdown, of live clusters (for their current registration
  /// only). Read once at open; never blocks on I/O.
  public func savedHealth() -> [ClusterHealthRecord] { loadedHealth }

  /// Saves `records` in one transaction (records of clusters deleted or registered again
  /// meanwhile are skipped); returns once durable.
  public func saveHealth(_ records: [ClusterHealthRecord]) async throws(DomainError) {
    guard !records.isEmpty else { return }
    try await perform(touching: records.map(\.key.organization), reading: RowKeys(clusters: Set(records.map(\.key)))) { tx in try await HealthWrites.save(records, in: tx) }
    healthSaves.add(1, ordering: .relaxed)
  }

  /// How many ``saveHealth(_:)`` transactions committed since the store opened.
  public var healthSaveCount: Int { healthSaves.load(ordering: .relaxed) }
}
