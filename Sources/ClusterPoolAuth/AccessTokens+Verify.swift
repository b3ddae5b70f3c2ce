internal import ClusterPoolDomain
public import RPCCore

/// Full verification of one token (no cache), on the JWS parser shared with the OpenID Connect
/// provider's tokens (``CompactJWS``): format, header, signature, then claims.
extension AccessTokens {
  /// The caller and the `kid` of the key that verified the token.
  func verifyUncached(_ token: String, now: Int64) throws(AuthenticationFailure) -> (AuthenticatedCaller, String) {
    let jws = try CompactJWS(token, maxSize: Self.maxTokenSize)
    guard case .string(let alg)? = jws.header["alg"] else { throw .malformed("the header has no alg") }
    guard alg == "ES256" else { throw .algorithm(alg) }
    // ours carry no typ now (shorter); tokens issued before carry at+jwt
    if let typ = jws.header["typ"] {
      guard let text = typ.stringValue, ["jwt", "at+jwt", "application/at+jwt"].contains(text.lowercased()) else {
        throw .malformed("header typ is not JWT")
      }
    }
    guard case .string(let kid)? = jws.header["kid"] else { throw .malformed("the header has no kid") }
    guard let key = keyring.verificationKey(kid, now: now) else {
      throw .unknownKey(kid.count > 64 ? String(kid.prefix(64)) + "…" : kid)
    }
    guard key.verify(jws.signature, over: jws.signingInput.utf8) else { throw .badSignature }
    return (try caller(from: jws, now: now), kid)
  }

  private func caller(from jws: CompactJWS, now: Int64) throws(AuthenticationFailure) -> AuthenticatedCaller {
    let exp = try jws.checkTimes(now: now, skew: configuration.clockSkew)
    let claims = jws.claims
    guard case .string(let iss)? = claims["iss"] else { throw .claim("no iss") }
    guard iss == configuration.issuer else { throw .wrongIssuer(iss.count > 200 ? String(iss.prefix(200)) + "…" : iss) }
    guard jws.names(audience: configuration.audience) else { throw .wrongAudience }
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
}
