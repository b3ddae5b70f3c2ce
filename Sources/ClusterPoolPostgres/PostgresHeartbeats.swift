public import ClusterPoolDomain
public import ClusterPoolStore
internal import PostgresNIO

/// ``SharedHeartbeats`` in `cluster_heartbeats`: one row per cluster, the newest heartbeat
/// time any replica saw (and which replica) and, apart, the newest status report any replica
/// received (its time, data plane and replica: a replica reads every row another replica's
/// heartbeat or report is in, so a report is never hidden by its own later heartbeat); a batch is one `INSERT ... SELECT FROM unnest` (keys
/// sorted, so concurrent batches of two replicas take row locks in one order).
public struct PostgresHeartbeats: SharedHeartbeats {
  let backend: PostgresBackend

  public init(backend: PostgresBackend) { self.backend = backend }

  public func exchange(_ mine: [ClusterHeartbeat], since: Timestamp) async throws -> [ClusterHeartbeat] {
    let logger = backend.logger
    let replica = backend.replica
    let sorted = mine.sorted { ($0.key.organization.name, $0.key.name.value) < ($1.key.organization.name, $1.key.name.value) }
    let reports = sorted.map { $0.reported ?? ReportedDataPlane() }
    let newerReport = "(EXCLUDED.registered_at_ns <> h.registered_at_ns OR EXCLUDED.reported_at_ns > h.reported_at_ns)"
    return try await backend.client.withConnection("share heartbeats") { connection in
      if !sorted.isEmpty {
        // a newer registration replaces the row; else the later heartbeat and, apart, the
        // later status report win
        try await connection.run(
          """
          INSERT INTO cluster_heartbeats AS h (organization, name, registered_at_ns, last_seen_ns, replica, reported_at_ns,
            has_report, object_store_uri, object_store_endpoint, secret_store_type, secret_store_locator, image_registry,
            reported_by)
          SELECT o, n, r, s, \(replica), ra, hr, u, e, st, sl, ir, CASE WHEN ra > 0 THEN \(replica) ELSE '' END FROM unnest(
            \(sorted.map(\.key.organization.name))::text[], \(sorted.map(\.key.name.value))::text[],
            \(sorted.map(\.registeredAt.nanosecondsSinceEpoch))::bigint[], \(sorted.map(\.lastSeen.nanosecondsSinceEpoch))::bigint[],
            \(sorted.map { $0.reportedAt?.nanosecondsSinceEpoch ?? 0 })::bigint[], \(sorted.map { $0.reported != nil })::boolean[],
            \(reports.map(\.objectStoreURI))::text[], \(reports.map(\.objectStoreEndpoint))::text[],
            \(reports.map(\.secretStoreType))::integer[], \(reports.map(\.secretStoreLocator))::text[],
            \(reports.map(\.imageRegistry))::text[]
          ) AS t(o, n, r, s, ra, hr, u, e, st, sl, ir)
          ON CONFLICT (organization, name) DO UPDATE SET
            registered_at_ns = EXCLUDED.registered_at_ns,
            last_seen_ns = CASE WHEN EXCLUDED.registered_at_ns <> h.registered_at_ns THEN EXCLUDED.last_seen_ns
              ELSE GREATEST(EXCLUDED.last_seen_ns, h.last_seen_ns) END,
            replica = EXCLUDED.replica,
            reported_at_ns = CASE WHEN \(unescaped: newerReport) THEN EXCLUDED.reported_at_ns ELSE h.reported_at_ns END,
            has_report = CASE WHEN \(unescaped: newerReport) THEN EXCLUDED.has_report ELSE h.has_report END,
            object_store_uri = CASE WHEN \(unescaped: newerReport) THEN EXCLUDED.object_store_uri ELSE h.object_store_uri END,
            object_store_endpoint = CASE WHEN \(unescaped: newerReport) THEN EXCLUDED.object_store_endpoint ELSE h.object_store_endpoint END,
            secret_store_type = CASE WHEN \(unescaped: newerReport) THEN EXCLUDED.secret_store_type ELSE h.secret_store_type END,
            secret_store_locator = CASE WHEN \(unescaped: newerReport) THEN EXCLUDED.secret_store_locator ELSE h.secret_store_locator END,
            image_registry = CASE WHEN \(unescaped: newerReport) THEN EXCLUDED.image_registry ELSE h.image_registry END,
            reported_by = CASE WHEN \(unescaped: newerReport) THEN EXCLUDED.reported_by ELSE h.reported_by END
            WHERE EXCLUDED.registered_at_ns <> h.registered_at_ns
              OR EXCLUDED.last_seen_ns > h.last_seen_ns OR EXCLUDED.reported_at_ns > h.reported_at_ns
          """, logger: logger)
      }
      return try await connection.rows(
        """
        SELECT organization, name, registered_at_ns, last_seen_ns, reported_at_ns, has_report, object_store_uri,
          object_store_endpoint, secret_store_type, secret_store_locator, image_registry
        FROM cluster_heartbeats
        WHERE last_seen_ns > \(since.nanosecondsSinceEpoch) AND (replica <> \(replica) OR reported_by NOT IN ('', \(replica)))
        """, logger: logger
      ) {
        let columns = PostgresColumns($0, "heartbeat")
        let reportedAt = try columns.int(4)
        return ClusterHeartbeat(
          key: ClusterKey(
            organization: Organization(stored: try columns.text(0)), name: try ResourceName(validating: try columns.text(1), kind: "cluster")),
          registeredAt: Timestamp(nanosecondsSinceEpoch: try columns.int(2)),
          lastSeen: Timestamp(nanosecondsSinceEpoch: try columns.int(3)),
          reportedAt: reportedAt == 0 ? nil : Timestamp(nanosecondsSinceEpoch: reportedAt),
          reported: try columns.bool(5)
            ? ReportedDataPlane(
              objectStoreURI: try columns.text(6), objectStoreEndpoint: try columns.text(7), secretStoreType: try columns.int32(8),
              secretStoreLocator: try columns.text(9), imageRegistry: try columns.text(10))
            : nil)
      }
    }
  }
}
