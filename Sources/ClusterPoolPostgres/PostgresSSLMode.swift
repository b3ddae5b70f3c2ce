/// The URL's `sslmode`, with the meanings PostgreSQL's own clients (libpq) give them:
///
/// | mode | TLS | server certificate |
/// |---|---|---|
/// | `disable` | never | — |
/// | `prefer` (the default, as in libpq) | when the server offers it, else cleartext | not checked |
/// | `require` | always | not checked |
/// | `verify-ca` | always | signed by a trusted CA (`sslrootcert`, else the system's) |
/// | `verify-full` | always | signed by a trusted CA and issued for the host |
///
/// `allow` (cleartext first) is refused: use `prefer` or `disable`.
public enum PostgresSSLMode: String, Sendable, Equatable, CaseIterable {
  case disable
  case prefer
  case require
  case verifyCA = "verify-ca"
  case verifyFull = "verify-full"
}
