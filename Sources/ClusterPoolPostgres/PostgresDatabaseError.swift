public import ClusterPoolStore
internal import NIOCore
internal import NIOPosix
internal import NIOSSL
public import PostgresNIO
#if canImport(Glibc)
  internal import Glibc
#endif

/// PostgreSQL failed: could not be reached, refused the login, or refused a statement. The
/// message names the database (`HOST:PORT/DATABASE`) and the cause, never the password.
public struct PostgresDatabaseError: CommitFailure, CustomStringConvertible {
  /// The database, as `HOST:PORT/DATABASE`.
  public var endpoint: String
  /// What could not be done (e.g. `cannot connect`).
  public var action: String
  /// Why, from PostgreSQL or the network.
  public var reason: String
  /// The SQLSTATE of a server error (e.g. `28P01` for a wrong password); nil otherwise.
  public var sqlState: String?
  /// Whether a commit's rows were refused before `COMMIT` was sent (nothing was written; see
  /// ``CommitFailure``); set by ``PostgresTransaction``.
  public var refusedRows = false

  /// Whether PostgreSQL refused a statement for its values: a data exception (SQLSTATE class
  /// 22, e.g. a text it cannot store) or an integrity constraint (23). Not the connection,
  /// resources or the server's state, which no retry of a single write would change.
  var isRowRefusal: Bool { sqlState.map { $0.hasPrefix("22") || $0.hasPrefix("23") } ?? false }

  public var description: String { "PostgreSQL \(endpoint): \(action): \(reason)" }

  /// The error of `error` thrown while doing `action` on `url`'s database.
  public init(_ error: any Error, _ action: String, on url: PostgresURL) {
    endpoint = url.endpoint
    self.action = action
    var reason: String
    if let error = error as? PostgresDatabaseError {
      reason = error.reason
      sqlState = error.sqlState
    } else if let error = error as? PSQLError {
      (reason, sqlState) = Self.reason(error)
    } else {
      reason = String(describing: error)
    }
    // The causes above never hold the password; this makes sure of it.
    if let password = url.password, !password.isEmpty {
      reason = reason.replacingOccurrences(of: password, with: "***")
    }
    self.reason = reason
  }

  static func reason(_ error: PSQLError) -> (String, String?) {
    if let info = error.serverInfo, let message = info[.message] {
      let state = info[.sqlState]
      return ("\(message)\(state.map { " (SQLSTATE \($0))" } ?? "")", state)
    }
    if error.code == .sslUnsupported {
      return ("the database does not offer TLS, which the URL's sslmode requires", nil)
    }
    if let underlying = error.underlying {
      return (network(underlying) ?? "\(error.code): \(underlying)", nil)
    }
    return ("\(error.code)", nil)
  }

  /// A network failure in words (`connection refused`, `unknown host`), without NIO's text.
  static func network(_ error: any Error) -> String? {
    if let error = error as? NIOConnectionError {
      if let first = error.connectionErrors.first { return network(first.error) ?? "cannot connect" }
      if error.dnsAError != nil || error.dnsAAAAError != nil { return "unknown host \(error.host)" }
      return "cannot connect"
    }
    if let error = error as? IOError {
      return String(cString: strerror(error.errnoCode)).lowercased()
    }
    if error is ChannelError { return "the connection failed (\(error))" }
    if let error = error as? NIOSSLExtraError, error == .failedToValidateHostname {
      return "TLS handshake failed: the database's certificate is not for this host"
    }
    if let error = error as? NIOSSLError {
      if case .handshakeFailed(let inner) = error { return "TLS handshake failed: \(tls(inner))" }
      return "TLS failed (\(error))"
    }
    return nil
  }

  /// BoringSSL's reasons in words (`CERTIFICATE_VERIFY_FAILED` → `certificate verify failed`).
  static func tls(_ error: BoringSSLError) -> String {
    guard case .sslError(let stack) = error, !stack.isEmpty else { return "\(error)" }
    return stack.map { entry in
      let text = "\(entry)"
      guard let start = text.range(of: "OPENSSL_internal:")?.upperBound else { return text }
      let reason = text[start...].prefix { $0 != " " }
      return reason.replacingOccurrences(of: "_", with: " ").lowercased()
    }.joined(separator: ", ")
  }
}

extension String {
  fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
    split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
  }
}
