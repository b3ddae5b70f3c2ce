import ClusterPoolClient

/// Runs `body` against the real server with the pool and cluster services over one SQLite
/// file in a temporary directory (organization `acme`, caller `tester`), with a
/// `ControlPlaneClient` for it, then stops everything.
func withClusterControlPlane(_ body: (ControlPlaneClient) async throws -> Void) async throws {
  try await withPoolServer { client, _ in try await body(client) }
}
