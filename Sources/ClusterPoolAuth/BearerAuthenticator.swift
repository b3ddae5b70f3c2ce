public import RPCCore
internal import ClusterPoolDomain

/// The `CallAuthenticator` of the server: reads `authorization: Bearer <token>` and verifies
/// the token with `AccessTokens` (cached after the first verification), or, for a bearer that
/// is an `APIKey` rather than a JWT, checks it against the apps (`APIKeyVerifier`; a hash and a
/// lookup here; `AccessGate` remembers verified credentials per access version), giving the
/// call its caller. A token of an app is refused once the app is deleted (a lookup in memory
/// per call). With `--auth off` this is the call's authenticator: methods in `required`
/// refuse a call without a valid token (`UNAUTHENTICATED`, saying why, never echoing the
/// token) and other methods ignore a credential unverified; with `--auth on` ``AccessGate``
/// uses it for every call but the open ones.
///
/// With an OpenID Connect provider (`oidc`, `people`), a JWT that is not ours and whose `iss`
/// is the provider's is verified with the provider's keys (``OIDCTokens``) and names the user
/// ``UserDirectory`` finds for it (by `sub`, then `email`); a deleted user is refused at once.
public final class BearerAuthenticator: CallAuthenticator {
  public let tokens: AccessTokens
  public let apiKeys: (any APIKeyVerifier)?
  /// The external OpenID Connect provider's tokens, when one is configured.
  public let oidc: OIDCTokens?
  /// Where the people of the provider's tokens are found (with `oidc`).
  public let people: (any UserDirectory)?
  /// Paths (`/package.Service/Method`) that need a verified caller.
  public let required: Set<String>
  /// `required` as methods, as each call is looked up (no `:path` made per call): scanned,
  /// lengths first (one or a few methods; a `Set` hashed the call's two names with SipHash).
  let requiredMethods: [MethodDescriptor]

  public init(
    tokens: AccessTokens, apiKeys: (any APIKeyVerifier)?, oidc: OIDCTokens? = nil, people: (any UserDirectory)? = nil,
    required: Set<String>
  ) {
    self.tokens = tokens
    self.apiKeys = apiKeys
    self.oidc = oidc
    self.people = people
    self.required = required
    self.requiredMethods = Array(Set(required.compactMap(MethodDescriptor.init(path:))))
  }

  public func authenticate(_ context: ServerContext) throws(RPCError) -> CallCaller? {
    let method = context.method
    guard
      requiredMethods.contains(where: {
        $0.method.utf8.count == method.method.utf8.count && $0.service.utf8.count == method.service.utf8.count
          && $0.method == method.method && $0.service == method.service
      })
    else { return nil }
    return try verifiedCaller(context)
  }

  /// The caller of the call's `authorization: Bearer <credential>`; `UNAUTHENTICATED` saying
  /// why without a valid one.
  public func verifiedCaller(_ context: ServerContext) throws(RPCError) -> CallCaller {
    try CallCaller(verifiedCaller(bearer: Self.credential(context)))
  }

  /// The caller `bearer` (the call's credential) names, or `UNAUTHENTICATED` saying why.
  public func verifiedCaller(bearer: Substring) throws(RPCError) -> AuthenticatedCaller {
    do throws(AuthenticationFailure) {
      let verified = try caller(bearer: String(bearer))
      TokenValidationMetrics.shared.accepted()
      return verified
    } catch {
      TokenValidationMetrics.shared.refused(error)
      throw RPCError(code: .unauthenticated, message: error.description)
    }
  }

  /// The credential of the call's `authorization: Bearer <credential>`, not yet verified;
  /// `UNAUTHENTICATED` without one.
  public static func credential(_ context: ServerContext) throws(RPCError) -> Substring {
    do throws(AuthenticationFailure) {
      return try bearer(context.requestMetadata.first("authorization"))
    } catch {
      throw RPCError(code: .unauthenticated, message: error.description)
    }
  }

  /// The last second its clock skew accepts the call's access token in; `nil` for an API key,
  /// or a credential not accepted at all.
  public func credentialExpiry(_ context: ServerContext) -> Int64? {
    guard let bearer = try? Self.bearer(context.requestMetadata.first("authorization")),
      let expiresAt = (try? caller(bearer: String(bearer)))?.expiresAt
    else { return nil }
    return expiresAt + tokens.configuration.clockSkew
  }

  /// Whether a token verified before (by its digest) is still accepted without verifying it
  /// again: in our verifier's or the provider's cache, unexpired, its key still verifying.
  public func stillAccepts(_ digest: CredentialDigest) -> Bool {
    tokens.cachedCaller(digest) != nil || oidc?.cachedCaller(digest) != nil
  }

  /// The caller a bearer credential names: a JWT of ours, else an API key.
  public func caller(bearer: String) throws(AuthenticationFailure) -> AuthenticatedCaller {
    // a JWT has dots (found within its header's few dozen bytes); base64 never has one
    guard !bearer.utf8.contains(UInt8(ascii: ".")), let apiKeys, let key = APIKey(bearer) else {
      // one digest for both caches: a provider's token verified before costs a hash and two lookups
      let digest = VerifiedTokenCache.Key(bearer)
      if let oidc, let people, let cached = oidc.cachedCaller(digest) { return try existing(cached, people) }
      let caller: AuthenticatedCaller
      do {
        caller = try tokens.verify(bearer, digest: digest)
      } catch {
        // not one of ours: the provider's, when its unverified iss says so
        guard let oidc, let people else { throw error }
        let issuer = CompactJWS.unverifiedIssuer(bearer)
        if issuer == oidc.configuration.issuer {
          return try existing(oidc.caller(bearer, digest: digest) { person throws(AuthenticationFailure) in try people.user(person) }, people)
        }
        // neither ours nor the provider's: the issuer is the reason, not our key or algorithm
        if let issuer, issuer != tokens.configuration.issuer { throw .wrongIssuer(issuer.count > 200 ? String(issuer.prefix(200)) + "…" : issuer) }
        throw error
      }
      if case .application(let clientID) = caller.identity, let apiKeys,
        !apiKeys.appExists(organization: caller.organization, clientID: clientID)
      {
        throw .invalidClient("the API key \(clientID.prefix(64)) of this token was deleted")
      }
      return caller
    }
    let caller = try apiKeys.authenticateAPIKey(clientID: key.clientID, secret: key.secret)
    guard key.organization.isEmpty || key.organization == "None" || key.organization == caller.organization else {
      throw .invalidClient("the API key names organization \(key.organization.prefix(63)), not its app's")
    }
    return caller
  }

  /// The user a provider's token named, while that user exists.
  func existing(_ caller: AuthenticatedCaller, _ people: any UserDirectory) throws(AuthenticationFailure) -> AuthenticatedCaller {
    guard people.userExists(organization: caller.organization, subject: caller.identity.subject) else {
      throw .unknownPerson("the user \(caller.identity.subject.prefix(64)) of this token was deleted")
    }
    return caller
  }

  /// The token of an `authorization` value `Bearer <token>` (the scheme in any case, spaces
  /// around the token ignored). Reads the bytes once: the token is most of the value.
  static func bearer(_ value: String?) throws(AuthenticationFailure) -> Substring {
    guard let value else { throw .missing }
    // the usual spelling, `Bearer <credential>`, checked on the bytes in place
    let prefix = value.utf8.withContiguousStorageIfAvailable { bytes -> Int? in
      guard bytes.count > 7, bytes[6] == UInt8(ascii: " "), bytes[7] != UInt8(ascii: " "),
        bytes[bytes.count - 1] != UInt8(ascii: " ")
      else { return nil }
      for (i, letter) in "bearer".utf8.enumerated() where bytes[i] | 0x20 != letter { return nil }
      return 7
    }
    if let prefix = prefix ?? nil {
      return value[value.utf8.index(value.startIndex, offsetBy: prefix)...]
    }
    let utf8 = value.utf8
    let space = UInt8(ascii: " ")
    guard let schemeStart = utf8.firstIndex(where: { $0 != space }),
      let schemeEnd = utf8[schemeStart...].firstIndex(of: space),
      utf8.distance(from: schemeStart, to: schemeEnd) == 6,
      zip(utf8[schemeStart..<schemeEnd], "bearer".utf8).allSatisfy({ $0 | 0x20 == $1 }),
      let start = utf8[schemeEnd...].firstIndex(where: { $0 != space }),
      let last = utf8[start...].lastIndex(where: { $0 != space })
    else { throw .notBearer }
    return value[start...last]
  }
}

extension CallCaller {
  /// The caller an authenticated credential names, as the RPC core knows callers.
  public init(_ caller: AuthenticatedCaller) {
    let kind: Kind
    switch caller.identity {
    case .application: kind = .app
    case .user: kind = .user
    }
    self.init(organization: caller.organization, kind: kind, subject: caller.identity.subject)
  }
}
