import ArgumentParser
import ClusterPoolDomain
import ClusterPoolServer
import Foundation

/// Flags of the cluster-pool service: its database, and what stands in for authentication
/// and for each organization's `default` pool.
struct PoolOptions: ParsableArguments {
  @Option(
    help: """
      Where the pools are kept: an SQLite file (created when missing), or a PostgreSQL database \
      postgres://USER@HOST:PORT/DATABASE?sslmode=require (sslmode disable, prefer, require, \
      verify-ca, verify-full; sslrootcert=CA.pem), its password from --database-password-file or \
      $CLUSTERPOOL_DATABASE_PASSWORD rather than the URL.
      """)
  var database = "clusterpool.db"

  @Option(help: "File holding the PostgreSQL password of --database (never logged).")
  var databasePasswordFile: String?

  @Option(help: "Organization of requests that name none (authentication is off).")
  var defaultOrganization = "default"

  @Option(help: "Subject of the user recorded as the author of every change (authentication is off).")
  var defaultIdentity = "anonymous"

  @Option(
    help: """
      Policy given to every new API key (app) whose request does not skip it: admin, contributor, \
      viewer or a policy of its organization; 'none' for none.
      """)
  var defaultAppPolicy = "contributor"

  @Option(help: "Object store URI of each organization's default pool.")
  var defaultObjectStoreUri = "file:///var/lib/clusterpool/default"

  @Option(help: "Object store endpoint (http(s) URL) of the default pool.")
  var defaultObjectStoreEndpoint = ""

  @Option(help: "Secret store type of the default pool: \(SecretStoreType.validNames).")
  var defaultSecretStoreType = "KUBERNETES"

  @Option(help: "Secret store locator of the default pool.")
  var defaultSecretStoreLocator = ""

  @Option(help: "Image registry (host[:port][/path]) of the default pool.")
  var defaultImageRegistry = ""

  func serviceConfiguration() throws -> ClusterPoolService.Configuration {
    do {
      return ClusterPoolService.Configuration(
        defaultOrganization: try Organization(validating: defaultOrganization),
        callerIdentity: .user(subject: defaultIdentity))
    } catch {
      throw ValidationError("--default-organization: \(error.message)")
    }
  }

  func identityConfiguration() throws -> IdentityServices.Configuration {
    let pools = try serviceConfiguration()
    return IdentityServices.Configuration(
      defaultOrganization: pools.defaultOrganization, callerIdentity: pools.callerIdentity,
      defaultAppPolicy: defaultAppPolicy == "none" ? nil : defaultAppPolicy)
  }

  func defaultPool() throws -> DefaultPoolTemplate {
    guard let type = SecretStoreType(name: defaultSecretStoreType) else {
      throw ValidationError("--default-secret-store-type must be one of \(SecretStoreType.validNames)")
    }
    do {
      let config = try ClusterPoolConfig(
        objectStoreURI: defaultObjectStoreUri, objectStoreEndpoint: defaultObjectStoreEndpoint,
        secretStoreType: type.rawValue, secretStoreLocator: defaultSecretStoreLocator,
        imageRegistry: defaultImageRegistry)
      let now = Timestamp(nanosecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1_000_000_000))
      return DefaultPoolTemplate(config: config, createdBy: .application(subject: "clusterpool-server"), createdAt: now)
    } catch {
      throw ValidationError("default pool: \(error.message)")
    }
  }
}
