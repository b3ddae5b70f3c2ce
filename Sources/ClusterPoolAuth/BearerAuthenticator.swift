public import RPCCore

/// The `CallAuthenticator` of the server: reads `authorization: Bearer <token>` and verifies
/// the token with `AccessTokens` (cached after the first verification), giving the call its
/// caller. Methods in `required` refuse a call without a valid token (`UNAUTHENTICATED`,
/// saying why, never echoing the token). Other methods are not authenticated at all until
/// authorization is enforced (`--auth on`, a later step): a credential they carry is ignored
/// unverified, as before authentication existed.
public final class BearerAuthenticator: CallAuthenticator {
  public let tokens: AccessTokens
  /// Paths (`/package.Service/Method`) that need a verified caller.
  public let required: Set<String>

  public init(tokens: AccessTokens, required: Set<String>) {
    self.tokens = tokens
    self.required = required
  }

  public func authenticate(_ context: ServerContext) throws(RPCError) -> CallCaller? {
    guard required.contains(context.method.path) else { return nil }
    do throws(AuthenticationFailure) {
      let caller = try tokens.verify(Self.bearer(context.requestMetadata.first("authorization")))
      return CallCaller(
        organization: caller.organization, kind: AccessTokens.kind(of: caller.identity) == "app" ? .app : .user,
        subject: caller.identity.subject)
    } catch {
      throw RPCError(code: .unauthenticated, message: error.description)
    }
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
