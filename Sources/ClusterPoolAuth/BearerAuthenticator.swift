public import RPCCore

/// The `CallAuthenticator` of the server: reads `authorization: Bearer <token>` and verifies
/// the token with `AccessTokens` (cached after the first verification), or, for a bearer that
/// is an `APIKey` rather than a JWT, checks it against the apps (`APIKeyVerifier`; a hash and a
/// lookup, never cached, so a deleted key stops at once), giving the call its caller. A token
/// of an app is refused once the app is deleted (a lookup in memory per call). Methods in `required` refuse a call without a valid token (`UNAUTHENTICATED`,
/// saying why, never echoing the token). Other methods are not authenticated at all until
/// authorization is enforced (`--auth on`, a later step): a credential they carry is ignored
/// unverified, as before authentication existed.
public final class BearerAuthenticator: CallAuthenticator {
  public let tokens: AccessTokens
  public let apiKeys: (any APIKeyVerifier)?
  /// Paths (`/package.Service/Method`) that need a verified caller.
  public let required: Set<String>

  public init(tokens: AccessTokens, apiKeys: (any APIKeyVerifier)?, required: Set<String>) {
    self.tokens = tokens
    self.apiKeys = apiKeys
    self.required = required
  }

  public func authenticate(_ context: ServerContext) throws(RPCError) -> CallCaller? {
    guard required.contains(context.method.path) else { return nil }
    return try verifiedCaller(context)
  }

  /// The caller of the call's `authorization: Bearer <credential>`; `UNAUTHENTICATED` saying
  /// why without a valid one.
  public func verifiedCaller(_ context: ServerContext) throws(RPCError) -> CallCaller {
    do throws(AuthenticationFailure) {
      let caller = try self.caller(bearer: Self.bearer(context.requestMetadata.first("authorization")))
      return CallCaller(
        organization: caller.organization, kind: AccessTokens.kind(of: caller.identity) == "app" ? .app : .user,
        subject: caller.identity.subject)
    } catch {
      throw RPCError(code: .unauthenticated, message: error.description)
    }
  }

  /// The last second its clock skew accepts the call's access token in; `nil` for an API key,
  /// or a credential not accepted at all.
  public func credentialExpiry(_ context: ServerContext) -> Int64? {
    guard let bearer = try? Self.bearer(context.requestMetadata.first("authorization")),
      let expiresAt = (try? caller(bearer: bearer))?.expiresAt
    else { return nil }
    return expiresAt + tokens.configuration.clockSkew
  }

  /// The caller a bearer credential names: a JWT of ours, else an API key.
  public func caller(bearer: String) throws(AuthenticationFailure) -> AuthenticatedCaller {
    guard bearer.utf8.count(where: { $0 == UInt8(ascii: ".") }) != 2, let apiKeys, let key = APIKey(bearer) else {
      let caller = try tokens.verify(bearer)
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

  /// The token of an `authorization` value `Bearer <token>` (the scheme in any case).
  static func bearer(_ value: String?) throws(AuthenticationFailure) -> String {
    guard let value else { throw .missing }
    let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
    guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw .notBearer }
    return String(parts[1]).trimmingSpaces
  }
}

extension String {
  var trimmingSpaces: String {
    String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
  }
}
