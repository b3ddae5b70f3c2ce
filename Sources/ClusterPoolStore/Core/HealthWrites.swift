internal import ClusterPoolDomain

/// The health writes: saved health (soft state) counts only for the registration it was
/// saved for, so a record of a cluster deleted or registered again meanwhile is skipped.
enum HealthWrites {
  /// Saves the records whose registration is still the live cluster's.
  static func save(_ records: [ClusterHealthRecord], in tx: StoreTransaction) async throws {
    for record in records {
      guard let cluster = try await tx.cluster(record.key), cluster.isLive, cluster.createdAt == record.registeredAt else {
        continue
      }
      try await tx.saveHealth(record)
    }
  }

  /// Of `records` as loaded at open, those of a live cluster's current registration.
  static func current(_ records: [ClusterHealthRecord], clusters: [Cluster]) -> [ClusterHealthRecord] {
    let live = Dictionary(clusters.filter(\.isLive).map { ($0.key, $0.createdAt) }, uniquingKeysWith: { $1 })
    return records.filter { live[$0.key] == $0.registeredAt }
  }
}
