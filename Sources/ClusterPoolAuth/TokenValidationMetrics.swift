internal import CoreMetrics

/// `clusterpool_token_validations_total{result}`: every validation of a bearer credential
/// (``BearerAuthenticator/verifiedCaller(bearer:)``), by outcome (`ok`, or why it was refused:
/// `expired`, `bad_signature`, ...), whether it was verified or found in a cache. Counters are made once, on first use, through the process's
/// bootstrapped metrics backend; a validation is one atomic add.
final class TokenValidationMetrics: Sendable {
  static let shared = TokenValidationMetrics()
  static let label = "clusterpool_token_validations_total"
  static let results = [
    "ok", "missing", "not_bearer", "malformed", "algorithm", "unknown_key", "bad_signature", "expired", "not_yet_valid",
    "wrong_issuer", "wrong_audience", "claim", "invalid_client", "provider_algorithm", "unknown_provider_key",
    "provider_keys_missing", "unknown_person",
  ]
  private let counters: [Counter]

  private init() {
    counters = Self.results.map { Counter(label: Self.label, dimensions: [("result", $0)]) }
  }

  func accepted() { counters[0].increment() }

  func refused(_ failure: AuthenticationFailure) {
    let index: Int
    switch failure {
    case .missing: index = 1
    case .notBearer: index = 2
    case .malformed: index = 3
    case .algorithm: index = 4
    case .unknownKey: index = 5
    case .badSignature: index = 6
    case .expired: index = 7
    case .notYetValid: index = 8
    case .wrongIssuer: index = 9
    case .wrongAudience: index = 10
    case .claim: index = 11
    case .invalidClient: index = 12
    case .providerAlgorithm: index = 13
    case .unknownProviderKey: index = 14
    case .providerKeysMissing: index = 15
    case .unknownPerson: index = 16
    }
    counters[index].increment()
  }
}
