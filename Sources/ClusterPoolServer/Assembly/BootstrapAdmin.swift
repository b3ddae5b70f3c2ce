public import ClusterPoolDomain
public import ClusterPoolStore

/// The first administrator of a store with auth on: an app `bootstrap-admin` of the default
/// organization given the built-in `admin` policy. `clusterpool-server` writes its key to
/// `--bootstrap-credentials`; `LocalServer` hands it to the test.
public enum BootstrapAdmin {
  /// The admin app's client id.
  public static let clientID = "bootstrap-admin"

  /// Creates the admin app in `organization` as `actor`, recorded as the first record of its
  /// organization's audit log (method `clusterpool-server/bootstrap`); returns its secret.
  public static func create(in store: any AccessStore, organization: Organization, actor: Identity) async throws -> String {
    let starting = AuditCall(method: "clusterpool-server/bootstrap", identity: nil, requestID: "bootstrap", peer: "local")
    var registration = AppRegistration()
    registration.clientName = "bootstrap administrator"
    return try await AuditCall.$current.withValue(starting) {
      try await store.createApp(organization, clientID: clientID, registration, defaultPolicy: "admin", by: actor).secret
    }
  }
}
