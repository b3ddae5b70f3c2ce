public import ClusterPoolAuth
internal import ClusterPoolDomain
public import ClusterPoolStore
public import RPCCore
internal import Synchronization

/// Authentication and authorization of every call in one step (`--auth on`), run by both
/// transports after the request head: the method's rule from ``MethodAccess``, the caller from
/// its bearer credential (``BearerAuthenticator``), and the caller's grants from the store's
/// snapshot, cached per caller until the snapshot's revision moves. A call without a valid
/// credential is `UNAUTHENTICATED`; one lacking the action `PERMISSION_DENIED` naming the
/// action and the resource. The organization a request names is checked once the request is
/// decoded (``CallScope``), as is the cluster of a call limited to some clusters.
public final class AccessGate: CallAuthenticator {
  let bearer: BearerAuthenticator
  let store: any AccessStore
  private let cache = Mutex<(revision: UInt64, grants: [CallCaller: AccessGrants])>((0, [:]))

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

  /// The caller of the call, or its refusal (`verified`: the caller, once its credential is).
  func decide(_ context: ServerContext, _ verified: inout CallCaller?) throws(RPCError) -> CallCaller? {
    guard let rule = MethodAccess.rule(for: context.method.path) else {
      throw RPCError(code: .permissionDenied, message: "method \(context.method.path) has no access rule: nobody may call it")
    }
    if rule == .open { return nil }
    var caller = try bearer.verifiedCaller(context)
    verified = caller
    switch rule {
    case .open, .authenticated: return caller
    case .organization(let action):
      guard grants(of: caller).allows(action) else { throw Self.denied(caller, action, "organization \(caller.organization)") }
    case .cluster(let action):
      let grants = grants(of: caller)
      if !grants.allows(action) {
        let clusters = grants.clusters(granting: action)
        guard !clusters.isEmpty else { throw Self.denied(caller, action, "organization \(caller.organization) or any of its clusters") }
        caller.limitedTo = clusters
      }
    }
    return caller
  }

  /// The grants of `caller`, from the cache while the store's revision is unchanged.
  func grants(of caller: CallCaller) -> AccessGrants {
    let snapshot = store.snapshot()
    if let cached = cache.withLock({ $0.revision == snapshot.revision ? $0.grants[caller] : nil }) { return cached }
    let organization = Organization(stored: caller.organization)
    let identity: Identity = caller.kind == .app ? .application(subject: caller.subject) : .user(subject: caller.subject)
    let grants = AccessGrants(
      assignment: snapshot.assignment(organization, identity), role: { snapshot.role(organization, $0) },
      policy: { snapshot.policy(organization, $0) })
    cache.withLock {
      if $0.revision != snapshot.revision || $0.grants.count >= 10_000 { $0 = (snapshot.revision, [:]) }
      $0.grants[caller] = grants
    }
    return grants
  }

  /// The refusal of a caller lacking `action` on `resource`.
  static func denied(_ caller: CallCaller, _ action: AccessAction, _ resource: String) -> RPCError {
    RPCError(code: .permissionDenied, message: "\(caller.kind.rawValue) \(caller.subject) lacks \(action) on \(resource)")
  }
}
