/// Why a credential was refused: each case words its reason for the `UNAUTHENTICATED`
/// answer. No case carries the credential itself, so a message never echoes a token.
public enum AuthenticationFailure: Error, Sendable, Hashable, CustomStringConvertible {
  /// The call carries no credentials.
  case missing
  /// The `authorization` field is not `Bearer <token>`.
  case notBearer
  /// The token is not a JWS compact serialization we can read; the reason says where.
  case malformed(String)
  /// The header's `alg` is not the one its key signs with (`none` included).
  case algorithm(String)
  /// No verification key has the header's `kid`.
  case unknownKey(String)
  /// The signature does not verify with the key named by `kid`.
  case badSignature
  /// `exp` (seconds since 1970) is past, beyond the allowed clock skew.
  case expired(at: Int64)
  /// `nbf` or `iat` is in the future, beyond the allowed clock skew.
  case notYetValid(from: Int64)
  /// `iss` is not this server's issuer.
  case wrongIssuer(String)
  /// `aud` does not name this server's audience.
  case wrongAudience
  /// A claim is missing or of the wrong type.
  case claim(String)
  /// The client id and secret of a token request (or an API key) do not match an app.
  case invalidClient(String)
  /// An OpenID Connect provider's token of an `alg` other than RS256 and ES256.
  case providerAlgorithm(String)
  /// The provider's key set has no key of the token's `kid` (its set is fetched again).
  case unknownProviderKey(String)
  /// The provider's key set is not loaded.
  case providerKeysMissing
  /// A valid provider token naming no user of the store; the reason says whom it sought.
  case unknownPerson(String)

  public var description: String {
    switch self {
    case .missing: "no credentials: send authorization: Bearer <token>"
    case .notBearer: "the authorization header is not 'Bearer <token>'"
    case .malformed(let why): "malformed token: \(why)"
    case .algorithm(let alg): "token algorithm \(alg) is not accepted (ES256 only)"
    case .unknownKey(let kid): "unknown key id \(kid) (rotated out, or not issued by this server)"
    case .badSignature: "bad signature"
    case .expired(let at): "token expired at \(Self.format(at))"
    case .notYetValid(let from): "token not valid before \(Self.format(from))"
    case .wrongIssuer(let iss): "token issuer \(iss) is not this server's"
    case .wrongAudience: "token audience is not this server's"
    case .claim(let why): "token claims: \(why)"
    case .invalidClient(let why): why
    case .providerAlgorithm(let alg): "token algorithm \(alg) is not accepted from the OIDC provider (RS256, ES256)"
    case .unknownProviderKey(let kid):
      "unknown key id \(kid) of the OIDC provider (its key set is being fetched again: retry in a few seconds)"
    case .providerKeysMissing: "the OIDC provider's keys are not loaded"
    case .unknownPerson(let why): why
    }
  }

  /// RFC 3339 UTC time of seconds since 1970, e.g. `2026-12-06T21:00:00Z`.
  static func format(_ seconds: Int64) -> String {
    let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
    let rest = seconds - days * 86_400
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
    return "\(year)-\(two(month))-\(two(day))T\(two(rest / 3600)):\(two(rest / 60 % 60)):\(two(rest % 60))Z"
  }
}
