import Testing

@testable import ClusterPoolDomain

/// The no-escalation rule: a change may grant only actions its caller holds on the
/// organization, and what assigning a role or a policy grants.
@Suite struct AccessDelegationTests {
  let acme = try! Organization(validating: "acme")
  let at = Authorship(at: Timestamp(nanosecondsSinceEpoch: 1), by: .user(subject: "alice"))

  @Test func onlyHeldActionsMayBeGranted() throws {
    let held: Set<AccessAction> = [.managePermissions, .viewIdentities]
    try AccessRules.checkDelegable([.viewIdentities], held: held, caller: "app ops", change: "creating role \"small\"")
    try AccessRules.checkDelegable([], held: [], caller: "app ops", change: "creating role \"empty\"")
    do {
      try AccessRules.checkDelegable(
        [.viewIdentities, .manageQueue, .manageCluster], held: held, caller: "app ops", change: "creating role \"big\"")
      Issue.record("granting actions not held was allowed")
    } catch {
      #expect(error.code == .permissionDenied)
      #expect(error.message.hasPrefix("app ops lacks ACTION_MANAGE_CLUSTER, ACTION_MANAGE_QUEUE: it may not grant them by creating role \"big\""))
      #expect(!error.message.contains("ACTION_VIEW_IDENTITIES"))
    }
    #expect(throws: DomainError.self) {
      try AccessRules.checkDelegable([.administerAccount], held: held, caller: "app ops", change: "x")
    }
    // the admin holds every action: nothing is beyond it
    try AccessRules.checkDelegable(AccessAction.allCases, held: Set(AccessAction.allCases), caller: "app admin", change: "x")
  }

  @Test func whatAnAssignmentGrants() {
    let zero = Timestamp(nanosecondsSinceEpoch: 0)
    let small = Role(organization: acme, name: "small", actions: [.viewIdentities], authorship: at)
    let role: (String) -> Role? = { $0 == "small" ? small : BuiltInRoles.role($0, in: self.acme, createdAt: zero) }
    let mixed = Policy(
      organization: acme, name: "mixed",
      bindings: [PolicyBinding(role: "small", resource: .organization), PolicyBinding(role: "viewer", resource: .cluster("c1")),
                 PolicyBinding(role: "gone", resource: .organization)],
      authorship: at)
    let policy: (String) -> Policy? = { $0 == "mixed" ? mixed : BuiltInRoles.policy($0, in: self.acme, createdAt: zero) }
    #expect(AccessRules.actions(of: .role("small"), role: role, policy: policy) == [.viewIdentities])
    #expect(AccessRules.actions(of: .policy("admin"), role: role, policy: policy) == Set(AccessAction.allCases))
    // every binding counts, whatever its resource; an unknown role grants nothing
    #expect(AccessRules.actions(of: .policy("mixed"), role: role, policy: policy)
      == Set(role("viewer")!.actions).union([.viewIdentities]))
    #expect(AccessRules.actions(of: .policy("nope"), role: role, policy: policy).isEmpty)
    #expect(AccessRules.actions(of: .role("nope"), role: role, policy: policy).isEmpty)
  }
}
