import ClusterPoolClient
import ClusterPoolDomain
import ClusterPoolTesting

/// Runs `body` against the real server (``LocalServer``: the services `clusterpool-server`
/// serves, on an SQLite file in a temporary folder, organization `acme`, changes by user
/// `tester`), with a `ControlPlaneClient` for it sending `organization` (empty: the server's
/// default), then stops everything.
func withPoolServer(
  organization: String = "", _ body: (ControlPlaneClient, ConnectionSettings) async throws -> Void
) async throws {
  var options = LocalServer.Options(organization: "acme", storage: .temporarySQLite)
  options.callerIdentity = .user(subject: "tester")
  options.defaultObjectStoreURI = "s3://shared-default"
  try await LocalServer.run(options) { server in
    var settings = server.settings
    settings.organization = organization
    let client = ControlPlaneClient(settings: settings)
    do {
      try await body(client, settings)
      await client.close()
    } catch {
      await client.close()
      throw error
    }
  }
}
