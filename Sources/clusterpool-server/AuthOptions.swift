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

  func validate() throws {
    guard tokenLifetime > 0, tokenLifetime <= 86_400 else { throw ValidationError("--token-lifetime must be 1...86400 seconds") }
    guard signingKeyRefreshInterval > 0 else { throw ValidationError("--signing-key-refresh-interval must be positive") }
    if let publicUrl, !(publicUrl.hasPrefix("https://") || publicUrl.hasPrefix("http://")) {
      throw ValidationError("--public-url must be an http:// or https:// URL")
    }
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
    if let backend {
      let keys = PostgresSigningKeys(backend: backend)
      try await keys.prepare()
      return keys
    }
    guard case .sqlite(let path) = try databaseLocation() else {
      throw StoreOpenError("signing keys: no PostgreSQL connection")
    }
    return try SQLiteSigningKeys(path: path)
  }
}
