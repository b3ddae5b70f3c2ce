public import RPCCore

/// A JWS compact serialization (RFC 7515 section 7.1) taken apart, nothing verified yet: the
/// header and claims as JSON objects, the signing input and the signature bytes.
struct CompactJWS {
  var header: JSONValue
  var claims: JSONValue
  /// `BASE64URL(header) . BASE64URL(payload)`, what the signature covers.
  var signingInput: Substring
  var signature: [UInt8]

  init(_ token: String, maxSize: Int) throws(AuthenticationFailure) {
    guard token.utf8.count <= maxSize else { throw .malformed("longer than \(maxSize) bytes") }
    let parts = token.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 3 else { throw .malformed("a JWS has 3 dot-separated parts, this has \(parts.count)") }
    header = try Self.object(parts[0], "header")
    claims = try Self.object(parts[1], "claims")
    guard let signature = Base64URL.decode(parts[2]) else { throw .malformed("the signature is not base64url") }
    self.signature = signature
    signingInput = token.prefix(parts[0].count + 1 + parts[1].count)
  }

  /// The `iss` of a token's claims, read without verifying anything (to tell whose token it
  /// is); nil when it has none or is no JWS.
  static func unverifiedIssuer(_ token: String) -> String? {
    let parts = token.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[1].utf8.count <= 16_384, let claims = try? object(parts[1], "claims") else { return nil }
    return claims["iss"]?.stringValue
  }

  static func object(_ part: Substring, _ what: String) throws(AuthenticationFailure) -> JSONValue {
    guard let bytes = Base64URL.decode(part) else { throw .malformed("the \(what) is not base64url") }
    guard let value = try? JSONValue(parsing: bytes), case .object = value else {
      throw .malformed("the \(what) is not a JSON object")
    }
    return value
  }

  /// Checks `exp` (required), `nbf` and `iat` against `now` with `skew` seconds of leeway;
  /// returns `exp`.
  func checkTimes(now: Int64, skew: Int64) throws(AuthenticationFailure) -> Int64 {
    let exp = try seconds("exp", required: true)!
    guard now < exp + skew else { throw .expired(at: exp) }
    if let nbf = try seconds("nbf", required: false), nbf > now + skew { throw .notYetValid(from: nbf) }
    if let iat = try seconds("iat", required: false), iat > now + skew { throw .notYetValid(from: iat) }
    return exp
  }

  /// Whether `aud` (a string or an array of strings) names `audience`.
  func names(audience: String) -> Bool {
    switch claims["aud"] {
    case .string(let aud)?: aud == audience
    case .array(let auds)?: auds.contains(.string(audience))
    default: false
    }
  }

  /// A NumericDate claim (RFC 7519 section 2), whole seconds.
  func seconds(_ name: String, required: Bool) throws(AuthenticationFailure) -> Int64? {
    guard let value = claims[name] else {
      if required { throw .claim("no \(name)") }
      return nil
    }
    guard case .number(let number) = value, number.isFinite, abs(number) < 1e15 else {
      throw .claim("\(name) is not a number of seconds")
    }
    return Int64(number)
  }
}
