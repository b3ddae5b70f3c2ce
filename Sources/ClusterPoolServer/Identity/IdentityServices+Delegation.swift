internal import ClusterPoolDomain
internal import RPCCore

/// The no-escalation rule (``AccessRules/checkDelegable(_:held:caller:change:)``) applied to
/// the identity writes: what a change would grant, read from the store's snapshot, against
/// what the verified caller holds on the organization. Checked before the write; a grant made
/// by another caller between the check and the write is that caller's own.
extension IdentityServices {
  /// Refuses a change granting actions the call's caller lacks; nothing without a caller.
  func checkDelegable(_ granted: @autoclosure () -> Set<AccessAction>, in organization: Organization, _ change: String)
    throws(RPCError)
  {
    guard let caller = ServerContext.current?.caller else { return }
    let snapshot = store.snapshot()
    let identity: Identity = caller.kind == .app ? .application(subject: caller.subject) : .user(subject: caller.subject)
    let held = AccessGrants(
      assignment: snapshot.assignment(organization, identity), role: { snapshot.role(organization, $0) },
      policy: { snapshot.policy(organization, $0) }
    ).organization
    let granted = granted()
    try mappingDomainErrors { () throws(DomainError) in
      try AccessRules.checkDelegable(granted, held: held, caller: "\(caller.kind.rawValue) \(caller.subject)", change: change)
    }
  }

  /// The actions an assignment of `target` in `organization` gives.
  func actions(of target: AssignmentTarget, in organization: Organization) -> Set<AccessAction> {
    let snapshot = store.snapshot()
    return AccessRules.actions(
      of: target, role: { snapshot.role(organization, $0) }, policy: { snapshot.policy(organization, $0) })
  }

  /// The actions of the roles `bindings` bind.
  func actions(bound bindings: [PolicyBinding], in organization: Organization) -> Set<AccessAction> {
    let snapshot = store.snapshot()
    return Set(bindings.flatMap { snapshot.role(organization, $0.role)?.actions ?? [] })
  }
}
