/// Who is calling, as a verified credential says: what authorization and authorship read
/// from a call's `ServerContext.caller`. Transport-neutral, so the RPC core knows no token
/// format.
public struct CallCaller: Sendable, Hashable, CustomStringConvertible {
  /// A user (a person) or an application (an API key).
  public enum Kind: String, Sendable, Hashable {
    case user
    case app
  }

  /// The organization the credential belongs to.
  public var organization: String
  public var kind: Kind
  /// The user's or application's subject.
  public var subject: String
  /// The resources (by name, e.g. clusters) the call's authorization is limited to, when the
  /// caller holds the method's action on some of them only; `nil` for the whole organization.
  public var limitedTo: Set<String>?

  public init(organization: String, kind: Kind, subject: String, limitedTo: Set<String>? = nil) {
    self.organization = organization
    self.kind = kind
    self.subject = subject
    self.limitedTo = limitedTo
  }

  public var description: String { "\(kind.rawValue):\(subject) in \(organization)" }
}

/// The authentication step of every call: run by both transports (through
/// `MethodHandler.admitted`) on the connection's event loop after the request head and before
/// the call's policy and handler, for every method of the registry. Turns the call's
/// credentials (`authorization: Bearer ...`) into its caller, from a cache after the first
/// verification, or refuses the call (`UNAUTHENTICATED`, saying why). Must not block.
public protocol CallAuthenticator: Sendable {
  /// The caller of the call `context` describes; `nil` when the method needs none and the
  /// call carries none (or authentication is off). Throws the refusal.
  func authenticate(_ context: ServerContext) throws(RPCError) -> CallCaller?

  /// Until when (seconds since 1970) the credential of the call `context` describes is
  /// accepted, when it expires (an access token); `nil` for one that does not (an API key) or
  /// none. A long call (a watch) authenticates again then.
  func credentialExpiry(_ context: ServerContext) -> Int64?

  /// What is told about calls refused after authentication (the request's organization or
  /// cluster, checked by the handler), when anything is: set on each authenticated call's
  /// context. `nil` by default.
  var refusals: (any CallRefusals)? { get }
}

extension CallAuthenticator {
  public func credentialExpiry(_ context: ServerContext) -> Int64? { nil }
  public var refusals: (any CallRefusals)? { nil }
}

extension ServerContext {
  /// This context with its caller as `authenticator` finds it (unchanged without one); throws
  /// the authenticator's refusal. Both transports call it once per call, after the head.
  package func authenticated(by authenticator: (any CallAuthenticator)?) throws(RPCError) -> ServerContext {
    var context = self
    try context.authenticate(by: authenticator)
    return context
  }

  /// Sets this context's caller as `authenticator` finds it (unchanged without one), in place;
  /// throws the authenticator's refusal.
  package mutating func authenticate(by authenticator: (any CallAuthenticator)?) throws(RPCError) {
    guard let authenticator else { return }
    caller = try authenticator.authenticate(self)
    refusals = authenticator.refusals
  }
}
