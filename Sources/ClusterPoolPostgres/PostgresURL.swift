/// A PostgreSQL database named by a `postgres://` URL, the `--database` value that selects the
/// PostgreSQL backend:
///
///     postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=MODE&sslrootcert=FILE&connect_timeout=SECONDS]
///
/// `postgresql://` is the same. User, password and database are percent-decoded; an IPv6 host is
/// written in brackets. The port defaults to 5432. Unknown query parameters are refused by name.
///
/// The password is never shown: ``description`` masks it (`postgres://app:***@db:5432/pools`),
/// and errors about the URL quote neither it nor the URL.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
  /// The user to connect as.
  public var user: String
  /// The password, from the URL, `--database-password-file` or the environment (``PostgresCredentials``).
  public var password: String?
  /// The host name or IP address (IPv6 without brackets).
  public var host: String
  /// The TCP port; 5432 unless the URL names one.
  public var port: Int
  /// The database name.
  public var database: String
  /// How the connection uses TLS (``PostgresSSLMode``); `prefer` unless the URL says.
  public var sslMode: PostgresSSLMode
  /// A PEM file of the certificate authorities trusted for `verify-ca` and `verify-full`
  /// (`sslrootcert`); the system's trust store when nil.
  public var sslRootCertificate: String?
  /// How long a connection attempt may take (`connect_timeout`, seconds); 10 unless the URL says.
  public var connectTimeoutSeconds: Int

  /// The query parameters the URL may carry.
  public static let knownParameters = ["sslmode", "sslrootcert", "connect_timeout"]

  /// True when `value` names a PostgreSQL database (`postgres://` or `postgresql://`) rather
  /// than an SQLite file path.
  public static func isPostgres(_ value: String) -> Bool {
    value.hasPrefix("postgres://") || value.hasPrefix("postgresql://")
  }

  /// Parses a `postgres://` URL; throws ``PostgresURLError`` naming what is wrong (never the password).
  public init(parsing text: String) throws(PostgresURLError) {
    let rest: Substring
    if text.hasPrefix("postgres://") {
      rest = text.dropFirst("postgres://".count)
    } else if text.hasPrefix("postgresql://") {
      rest = text.dropFirst("postgresql://".count)
    } else {
      throw PostgresURLError("it must start with postgres:// or postgresql://")
    }
    let (authority, path, query) = Self.split(rest)
    guard let at = authority.lastIndex(of: "@") else {
      throw PostgresURLError("it names no user (postgres://USER@HOST/DATABASE)")
    }
    let userInfo = authority[..<at]
    if let colon = userInfo.firstIndex(of: ":") {
      user = try Self.decode(userInfo[..<colon], "the user")
      password = try Self.decode(userInfo[userInfo.index(after: colon)...], "the password")
    } else {
      user = try Self.decode(userInfo, "the user")
      password = nil
    }
    guard !user.isEmpty else { throw PostgresURLError("it names no user (postgres://USER@HOST/DATABASE)") }
    (host, port) = try Self.hostAndPort(authority[authority.index(after: at)...])
    database = try Self.decode(path, "the database name")
    guard !database.isEmpty else { throw PostgresURLError("it names no database (postgres://USER@HOST/DATABASE)") }
    sslMode = .prefer
    sslRootCertificate = nil
    connectTimeoutSeconds = 10
    try applyQuery(query)
  }

  /// `HOST:PORT/DATABASE`, how logs and errors name the database.
  public var endpoint: String {
    let shownHost = host.contains(":") ? "[\(host)]" : host
    return "\(shownHost):\(port)/\(database)"
  }

  /// The URL with the password masked as `***`; safe for logs and errors.
  public var description: String {
    let shownPassword = password == nil ? "" : ":***"
    var query: [String] = []
    query.append("sslmode=\(sslMode.rawValue)")
    if let sslRootCertificate { query.append("sslrootcert=\(sslRootCertificate)") }
    return "postgres://\(user)\(shownPassword)@\(endpoint)?\(query.joined(separator: "&"))"
  }
}

/// A `--database` URL that cannot be used; the message names the cause, never the password.
public struct PostgresURLError: Error, Equatable, CustomStringConvertible {
  /// What is wrong with the URL.
  public var reason: String
  init(_ reason: String) { self.reason = reason }
  public var description: String { "invalid --database PostgreSQL URL: \(reason)" }
}
