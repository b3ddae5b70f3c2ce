/// No privilege escalation: who changes access may hand out only actions it holds itself.
///
/// The rule: a caller's change may grant an action only when the caller holds that action on
/// the whole organization (its assignment's roles, and the roles its policies bind on the
/// organization; a grant on one cluster lets its holder act on that cluster, not hand the
/// action out). What a change grants:
/// - creating a role: every action of the role; updating one or adding an action: the actions
///   it did not have (removing actions grants nothing; the no-lock-out rule guards them);
/// - creating a policy or adding a binding: every action of each role bound, whatever the
///   resource (a cluster, a domain or a project binding is checked as the organization);
/// - assigning a role or a policy, and creating an API key with the default policy: every
///   action the role or the policy's roles hold.
/// Deleting, unassigning and removing bindings grant nothing. An organization's admin holds
/// every action, so the rule never stops it; a caller with `ACTION_MANAGE_PERMISSIONS` alone
/// can pass on only what it has. Without a verified caller (`--auth off`) there is no one to
/// compare with and nothing is checked.
extension AccessRules {
  /// Refuses (PERMISSION_DENIED, naming the actions) a change that would grant actions
  /// `caller` does not hold (`held`: its organization-wide actions). `change` says what was
  /// refused, e.g. `creating role "ops"`.
  public static func checkDelegable(
    _ granted: some Sequence<AccessAction>, held: Set<AccessAction>, caller: String, change: String
  ) throws(DomainError) {
    let lacking = Set(granted).subtracting(held)
    guard !lacking.isEmpty else { return }
    let names = lacking.sorted().map(\.description).joined(separator: ", ")
    throw DomainError(
      .permissionDenied,
      "\(caller) lacks \(names): it may not grant \(lacking.count == 1 ? "it" : "them") by \(change) "
        + "(only actions the caller holds on the organization can be handed out)")
  }

  /// The actions an assignment of `target` gives: the role's, or those of every role the
  /// policy binds (on any resource). Unknown names give nothing (the write refuses them).
  public static func actions(
    of target: AssignmentTarget, role: (String) -> Role?, policy: (String) -> Policy?
  ) -> Set<AccessAction> {
    switch target {
    case .role(let name): Set(role(name)?.actions ?? [])
    case .policy(let name): Set((policy(name)?.bindings ?? []).flatMap { role($0.role)?.actions ?? [] })
    }
  }
}
