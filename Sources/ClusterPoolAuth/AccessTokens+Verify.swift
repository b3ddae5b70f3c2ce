internal import ClusterPoolDomain
public import RPCCore

/// Full verification of one token (no cache): format, header, signature, then claims.
extension AccessTokens {
  /// The caller and the `kid` of the key that verified the token.
  func verifyUncached(_ token: String, now: Int64) throws(AuthenticationFailure) -> (AuthenticatedCaller, String) {
    guard token.utf8.count <= Self.maxTokenSize else {
      throw .malformed("longer than \(Self.maxTokenSize) bytes")
    }
    let parts = token.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 3 else {
      throw .malformed("a JWS has 3 dot-separated parts, this has \(parts.count)")
    }
    let header = try Self.object(parts[0], "header")
    guard case .string(let alg)? = header["alg"] else { throw .malformed("the header has no alg") }
    guard alg == "ES256" else { throw .algorithm(alg) }
    if let typ = header["typ"] {
      guard let text = typ.stringValue, ["jwt", "at+jwt", "application/at+jwt"].contains(text.lowercased()) else {
        throw .malformed("header typ is not JWT")
      }
    }
    guard case .string(let kid)? = header["kid"] else { throw .malformed("the header has no kid") }
    guard let key = keyring.verificationKey(kid, now: now) else {
      throw .unknownKey(kid.count > 64 ? String(kid.prefix(64)) + "…" : kid)
    }
    guard let signature = Base64URL.decode(parts[2]) else { throw .malformed("the signature is not base64url") }
    let signingInput = token.prefix(parts[0].count + 1 + parts[1].count)
    guard key.verify(signature, over: signingInput.utf8) else { throw .badSignature }
    return (try caller(from: Self.object(parts[1], "claims"), now: now), kid)
  }

  private func caller(from claims: JSONValue, now: Int64) throws(AuthenticationFailure) -> AuthenticatedCaller {
    let skew = configuration.clockSkew
    let exp = try Self.seconds(claims, "exp", required: true)!
    guard now < exp + skew else { throw .expired(at: exp) }
    if let nbf = try Self.seconds(claims, "nbf", required: false), nbf > now + skew { throw .notYetValid(from: nbf) }
    if let iat = try Self.seconds(claims, "iat", required: false), iat > now + skew { throw .notYetValid(from: iat) }
    guard case .string(let iss)? = claims["iss"] else { throw .claim("no iss") }
    guard iss == configuration.issuer else { throw .wrongIssuer(iss.count > 200 ? String(iss.prefix(200)) + "…" : iss) }
    switch claims["aud"] {
    case .string(let aud)? where aud == configuration.audience: break
    case .array(let auds)? where auds.contains(.string(configuration.audience)): break
    default: throw .wrongAudience
    }
    guard case .string(let sub)? = claims["sub"], !sub.isEmpty else { throw .claim("no sub") }
    guard case .string(let org)? = claims["org"], !org.isEmpty else { throw .claim("no org") }
    let identity: Identity
    switch claims["sub_kind"]?.stringValue {
    case "app": identity = .application(subject: sub)
    case "user": identity = .user(subject: sub)
    default: throw .claim("sub_kind must be user or app")
    }
    return AuthenticatedCaller(organization: org, identity: identity, expiresAt: exp)
  }

  private static func object(_ part: Substring, _ what: String) throws(AuthenticationFailure) -> JSONValue {
    guard let bytes = Base64URL.decode(part) else { throw .malformed("the \(what) is not base64url") }
    guard let value = try? JSONValue(parsing: bytes), case .object = value else {
      throw .malformed("the \(what) is not a JSON object")
    }
    return value
  }

  /// A NumericDate claim (RFC 7519 section 2), whole seconds.
  private static func seconds(_ claims: JSONValue, _ name: String, required: Bool) throws(AuthenticationFailure) -> Int64? {
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
