public import ClusterPoolDomain
public import ClusterPoolStore
internal import PostgresNIO

/// ``SharedHeartbeats`` in `cluster_heartbeats`: one row per cluster, the newest heartbeat
/// time any replica saw (and which replica); a batch is one `INSERT ... SELECT FROM unnest`
/// (keys sorted, so concurrent batches of two replicas take row locks in one order).
public struct PostgresHeartbeats: SharedHeartbeats {
  let backend: PostgresBackend

  public init(backend: PostgresBackend) { self.backend = backend }

  public func exchange(_ mine: [ClusterHeartbeat], since: Timestamp) async throws -> [ClusterHeartbeat] {
    let logger = backend.logger
    let replica = backend.replica
    let sorted = mine.sorted { ($0.key.organization.name, $0.key.name.value) < ($1.key.organization.name, $1.key.name.value) }
    return try await backend.client.withConnection("share heartbeats") { connection in
      if !sorted.isEmpty {
        try await connection.run(
          """
          INSERT INTO cluster_heartbeats (organization, name, registered_at_ns, last_seen_ns, replica)
          SELECT o, n, r, s, \(replica) FROM unnest(
            \(sorted.map(\.key.organization.name))::text[], \(sorted.map(\.key.name.value))::text[],
            \(sorted.map(\.registeredAt.nanosecondsSinceEpoch))::bigint[], \(sorted.map(\.lastSeen.nanosecondsSinceEpoch))::bigint[]
          ) AS t(o, n, r, s)
          ON CONFLICT (organization, name) DO UPDATE
            SET registered_at_ns = EXCLUDED.registered_at_ns, last_seen_ns = EXCLUDED.last_seen_ns, replica = EXCLUDED.replica
            WHERE EXCLUDED.registered_at_ns <> cluster_heartbeats.registered_at_ns
              OR EXCLUDED.last_seen_ns > cluster_heartbeats.last_seen_ns
          """, logger: logger)
      }
      return try await connection.rows(
        """
        SELECT organization, name, registered_at_ns, last_seen_ns FROM cluster_heartbeats
        WHERE last_seen_ns > \(since.nanosecondsSinceEpoch) AND replica <> \(replica)
        """, logger: logger
      ) {
        let columns = PostgresColumns($0, "heartbeat")
        return ClusterHeartbeat(
          key: ClusterKey(
            organization: Organization(stored: try columns.text(0)), name: try ResourceName(validating: try columns.text(1), kind: "cluster")),
          registeredAt: Timestamp(nanosecondsSinceEpoch: try columns.int(2)),
          lastSeen: Timestamp(nanosecondsSinceEpoch: try columns.int(3)))
      }
    }
  }
}
