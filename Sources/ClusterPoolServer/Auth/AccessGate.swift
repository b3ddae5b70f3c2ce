public import ClusterPoolAuth
internal import ClusterPoolDomain
public import ClusterPoolStore
public import RPCCore
internal import Synchronization

/// Authentication and authorization of every call in one step (`--auth on`), run by both
/// transports after the request head: the method's rule from ``MethodAccess``, the caller from
/// its bearer credential (``BearerAuthenticator``), and the caller's grants from the store's
/// read model. A call without a valid credential is `UNAUTHENTICATED`; one lacking the action
/// `PERMISSION_DENIED` naming the action and the resource. The organization a request names is
/// checked once the request is decoded (``CallScope``), as is the cluster of a call limited to
/// some clusters.
///
/// A credential verified once is remembered with its caller and grants, by its SHA-256, while
/// the store's identity and access rows are unchanged (``StoreSnapshot/accessVersion``) and
/// the token unexpired: a repeated call costs a lookup, and a hash unless the credential is
/// one of the few most recent (``RecentCredentials``, compared byte for byte in constant time). Any change to apps, roles, policies or assignments verifies again, so a deleted
/// API key, or one whose grants were taken, stops at once.
public final class AccessGate: CallAuthenticator {
  let bearer: BearerAuthenticator
  let store: any AccessStore
  private let verified = Mutex<Remembered>(Remembered())
  /// Verified credentials as of one access version, and the digests of the recent ones.
  struct Remembered {
    var version: UInt64 = 0
    var entries: [CredentialDigest: Verified] = [:]
    var recent = RecentCredentials()
  }
  /// Credentials remembered at most (all forgotten when full).
  static let capacity = 10_000

  /// A credential verified as of one access version: its caller and the caller's grants.
  struct Verified {
    var caller: CallCaller
    var grants: AccessGrants
    /// Until when it is valid (seconds since 1970: the token's expiry plus the clock skew);
    /// nil for an API key.
    var validUntil: Int64?
  }

  /// Told about every call refused here (``AuditRecorder``), when set.
  let audit: AuditRecorder?

  public init(bearer: BearerAuthenticator, store: any AccessStore, audit: AuditRecorder? = nil) {
    self.bearer = bearer
    self.store = store
    self.audit = audit
  }

  public func authenticate(_ context: ServerContext) throws(RPCError) -> CallCaller? {
    var caller: CallCaller?
    do {
      return try decide(context, &caller)
    } catch {
      if let caller { context.identifiedCaller?.set(caller) }  // the call's record names it
      if let audit {
        var audited = context
        audited.caller = caller
        audit.refused(
          AuditCall(audited, fallback: nil), organization: caller.map { Organization(stored: $0.organization) },
          code: Int32(error.code.rawValue), message: error.message)
      }
      throw error
    }
  }

  /// The caller of the call, or its refusal (`known`: the caller, once its credential is verified).
  func decide(_ context: ServerContext, _ known: inout CallCaller?) throws(RPCError) -> CallCaller? {
    guard let rule = MethodAccess.rule(for: context.method) else {
      throw RPCError(code: .permissionDenied, message: "method \(context.method.path) has no access rule: nobody may call it")
    }
    if rule == .open { return nil }
    var (caller, grants) = try verified(BearerAuthenticator.credential(context))
    known = caller
    switch rule {
    case .open, .authenticated: return caller
    case .organization(let action):
      guard grants.allows(action) else { throw Self.denied(caller, action, "organization \(caller.organization)") }
    case .cluster(let action):
      if !grants.allows(action) {
        let clusters = grants.clusters(granting: action)
        guard !clusters.isEmpty else { throw Self.denied(caller, action, "organization \(caller.organization) or any of its clusters") }
        caller.limitedTo = clusters
      }
    }
    return caller
  }

  public func credentialExpiry(_ context: ServerContext) -> Int64? { bearer.credentialExpiry(context) }

  /// The caller `credential` names and its grants: remembered while the access rows are
  /// unchanged and the credential valid (a token also while its signing key still verifies:
  /// a key retired past its grace, or removed, stops its tokens at once), else verified in
  /// full and read from the store.
  func verified(_ credential: Substring) throws(RPCError) -> (CallCaller, AccessGrants) {
    let version = store.withSnapshot { $0.accessVersion }
    let now = bearer.tokens.now
    let (digest, remembered) = lookUp(credential, version: version)
    if let hit = remembered, hit.validUntil.map({ now < $0 && bearer.stillAccepts(digest) }) ?? true {
      return (hit.caller, hit.grants)
    }
    let authenticated = try bearer.verifiedCaller(bearer: credential)
    let caller = CallCaller(authenticated)
    let (grants, after) = store.withSnapshot { snapshot in (Self.grants(of: caller, in: snapshot), snapshot.accessVersion) }
    // remembered only when nothing changed while it was verified (the app's existence included)
    if after == version {
      let entry = Verified(
        caller: caller, grants: grants, validUntil: authenticated.expiresAt.map { $0 + bearer.tokens.configuration.clockSkew })
      verified.withLock {
        if $0.version != version || $0.entries.count >= Self.capacity { ($0.version, $0.entries) = (version, [:]) }
        $0.entries[digest] = entry
      }
    }
    return (caller, grants)
  }

  /// The digest of `credential` (from its bytes when it is a recent one, else hashed) and
  /// what is remembered of it as of `version`.
  private func lookUp(_ credential: Substring, version: UInt64) -> (CredentialDigest, Verified?) {
    let found = credential.utf8.withContiguousStorageIfAvailable { utf8 in
      let bytes = UnsafeRawBufferPointer(utf8)
      if let recent = verified.withLock({ state in
        state.recent.digest(of: bytes).map { ($0, state.version == version ? state.entries[$0] : nil) }
      }) {
        return recent
      }
      let digest = CredentialDigest(bytes: bytes)
      return verified.withLock { state in
        state.recent.remember(bytes, digest)
        return (digest, state.version == version ? state.entries[digest] : nil)
      }
    }
    if let found { return found }
    let digest = CredentialDigest(credential)
    return (digest, verified.withLock { $0.version == version ? $0.entries[digest] : nil })
  }

  /// The grants of `caller` in `snapshot`: its assignment's roles and policies.
  static func grants(of caller: CallCaller, in snapshot: borrowing StoreSnapshot) -> AccessGrants {
    let organization = Organization(stored: caller.organization)
    let identity: Identity = caller.kind == .app ? .application(subject: caller.subject) : .user(subject: caller.subject)
    return AccessGrants(
      assignment: snapshot.assignment(organization, identity), role: { snapshot.role(organization, $0) },
      policy: { snapshot.policy(organization, $0) })
  }

  /// The refusal of a caller lacking `action` on `resource`.
  static func denied(_ caller: CallCaller, _ action: AccessAction, _ resource: String) -> RPCError {
    RPCError(code: .permissionDenied, message: "\(caller.kind.rawValue) \(caller.subject) lacks \(action) on \(resource)")
  }
}
