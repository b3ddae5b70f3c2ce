public import ClusterPoolDomain
public import RPCCore
internal import ClusterPoolStore

/// The organization and author of the running call (``ServerContext/current``), as the
/// handlers read them: with a verified caller (`--auth on`), the caller's organization and
/// identity; without one (`--auth off`), the server's defaults. The one place a request's
/// organization is checked against its caller's.
///
/// It reads the caller from the task-local ``ServerContext/current`` rather than from the
/// context every handler is also given: binding it costs about 0.1 µs per call (1-2 % of a pool
/// Get, perf), and passing the context instead changes the helpers of every service (34 call
/// sites in 14 files). The catch: code that leaves the handler's task (a detached task, an
/// event-loop callback) sees no caller and falls back to the defaults.
public enum CallScope {
  /// The verified caller of the running call, if any.
  static var caller: CallCaller? { ServerContext.current?.caller }

  /// The organization an empty `organization` means: the caller's, else `fallback`.
  public static func organization(_ fallback: Organization) -> Organization {
    organization(fallback, caller: caller)
  }

  /// ``organization(_:)`` for a `caller` the handler read already.
  static func organization(_ fallback: Organization, caller: CallCaller?) -> Organization {
    caller.map { Organization(stored: $0.organization) } ?? fallback
  }

  /// The organization a request means (`requested`, or the caller's when empty); another
  /// organization than the caller's is `PERMISSION_DENIED`, whether or not it holds the object
  /// (recorded as ``check(_:target:)`` says).
  public static func resolve(_ requested: String, fallback: Organization) throws(RPCError) -> Organization {
    let organization = try mappingDomainErrors { () throws(DomainError) in
      try Organization.resolve(requested, fallback: Self.organization(fallback))
    }
    try check(organization)
    return organization
  }

  /// Refuses `organization` unless it is the caller's (anything goes without a caller). The
  /// refusal is recorded once, in the caller's audit log, naming `target` (what the request
  /// named, `.none` when it named no object): the call's ``ServerContext/refusals``.
  public static func check(_ organization: Organization, target: AuditTarget = .none) throws(RPCError) {
    try check(organization, caller: caller, target: target)
  }

  /// ``check(_:target:)`` for a `caller` the handler read already (each read of
  /// ``ServerContext/current`` copies the whole context), its `target` made only for a refusal.
  static func check(
    _ organization: Organization, caller: CallCaller?, target: @autoclosure () -> AuditTarget
  ) throws(RPCError) {
    guard let caller, caller.organization != organization.name else { return }
    let target = target()
    throw refused(
      RPCError(
        code: .permissionDenied,
        message: "\(caller.kind.rawValue) \(caller.subject) belongs to organization \(caller.organization): "
          + "it may not act in organization \(organization.name.prefix(63))"), target: target)
  }

  /// Refuses cluster `key` to a call whose authorization is limited to other clusters.
  public static func check(_ key: ClusterKey, _ action: AccessAction) throws(RPCError) {
    let target = AuditTarget(kind: "cluster", name: key.name.value)
    try check(key.organization, target: target)
    guard let caller, let allowed = caller.limitedTo, !allowed.contains(key.name.value) else { return }
    throw refused(
      RPCError(
        code: .permissionDenied,
        message: "\(caller.kind.rawValue) \(caller.subject) lacks \(action) on cluster \(key.name.value) of organization \(caller.organization)"),
      target: target)
  }

  /// Whether the running call may act on cluster `key` (``check(_:_:)`` would let it),
  /// recording nothing: for a handler's fast path, which leaves a refusal to its full one.
  public static func permits(_ key: ClusterKey) -> Bool {
    guard let caller else { return true }
    return caller.organization == key.organization.name && caller.limitedTo.map { $0.contains(key.name.value) } ?? true
  }

  /// `error`, recorded through the running call's ``ServerContext/refusals`` (once: a call
  /// audited by ``AuditedCalls`` is marked so it does not record it again).
  static func refused(_ error: RPCError, target: AuditTarget) -> RPCError {
    guard let context = ServerContext.current, let refusals = context.refusals else { return error }
    AuditCall.current?.refusal.markRecorded()
    refusals.refusedInHandler(context, error, targetKind: target.kind, targetName: target.name)
    return error
  }

  /// Who the running call's changes are recorded as made by: the caller, else `fallback`.
  public static func actor(_ fallback: Identity) -> Identity {
    guard let caller else { return fallback }
    return caller.kind == .app ? .application(subject: caller.subject) : .user(subject: caller.subject)
  }
}
