import ArgumentParser
import ClusterPoolAuth
import ClusterPoolPostgres
import ClusterPoolSQLite
import ClusterPoolStore
import Logging

/// Flags of authentication: how access tokens are issued and where clients are told to get
/// them.
struct AuthOptions: ParsableArguments {
  @Option(
    help: """
      The server's public base URL, e.g. https://pools.example.com: the issuer of its tokens and \
      the base of the token endpoint and JWKS URLs it advertises. Default: the issuer \
      "clusterpool-server", and URLs from the host and port each client used.
      """)
  var publicUrl: String?

  @Option(help: "Seconds an access token from the token endpoint is valid.")
  var tokenLifetime = 3600

  @Option(help: "Seconds between reads of the signing keys (a rotation reaches a running server within this).")
  var signingKeyRefreshInterval = 30

  @Option(
    help: """
      on: every call needs a credential and the action of its method; off: every caller is \
      trusted. Default: on, except on a loopback --host without TLS (local development).
      """)
  var auth: AuthSwitch?

  @Option(
    help: """
      Where the first start of an empty store with auth on writes the FLYTE_API_KEY of the admin \
      app it creates (mode 0600). Default: beside the database (FILE.bootstrap-credentials, or \
      ./clusterpool.bootstrap-credentials for PostgreSQL).
      """)
  var bootstrapCredentials: String?

  func validate() throws {
    guard tokenLifetime > 0, tokenLifetime <= 86_400 else { throw ValidationError("--token-lifetime must be 1...86400 seconds") }
    guard signingKeyRefreshInterval > 0 else { throw ValidationError("--signing-key-refresh-interval must be positive") }
    if let publicUrl, !(publicUrl.hasPrefix("https://") || publicUrl.hasPrefix("http://")) {
      throw ValidationError("--public-url must be an http:// or https:// URL")
    }
  }

  /// Whether calls are authenticated and authorized on a server listening on `host`, with or
  /// without TLS, and the warning to log at start, if any.
  func enforcement(host: String, tls: Bool) -> (enforce: Bool, warning: String?) {
    switch auth {
    case .on?: return (true, nil)
    case .off?:
      return (false, "--auth off: every caller may read and change every organization's pools, clusters, queues and identities")
    case nil:
      guard Self.isLoopback(host), !tls else { return (true, nil) }
      return (false, "authentication is off (loopback \(host) without TLS, local development): every caller is trusted; --auth on enforces it")
    }
  }

  /// Whether `host` names this machine only.
  static func isLoopback(_ host: String) -> Bool {
    host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
  }

  /// How tokens are issued and checked.
  var tokenConfiguration: TokenConfiguration {
    TokenConfiguration(
      issuer: publicUrl.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 } ?? "clusterpool-server",
      audience: "clusterpool", lifetime: Int64(tokenLifetime))
  }
}

extension PoolOptions {
  /// The signing keys in the database `--database` names: the SQLite file, or (with the
  /// PostgreSQL backend the store opened on) its database.
  func signingKeys(postgres backend: PostgresBackend?) async throws -> any SigningKeyStore {
    if let backend { return PostgresSigningKeys(backend: backend) }
    guard case .sqlite(let path) = try databaseLocation() else {
      throw StoreOpenError("signing keys: no PostgreSQL connection")
    }
    return try SQLiteSigningKeys(path: path)
  }
}

/// `--auth on|off`.
enum AuthSwitch: String, ExpressibleByArgument, CaseIterable {
  case on
  case off
}
