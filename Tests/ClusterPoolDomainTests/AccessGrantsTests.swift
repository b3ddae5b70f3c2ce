import Testing

@testable import ClusterPoolDomain

/// What an assignment grants: roles given directly and policies' organization bindings on the
/// whole organization, cluster bindings on their cluster only, domain and project bindings
/// nothing; unknown names nothing.
@Suite struct AccessGrantsTests {
  let acme = try! Organization(validating: "acme")
  let t = Timestamp(nanosecondsSinceEpoch: 1)
  let at = Authorship(at: Timestamp(nanosecondsSinceEpoch: 1), by: .user(subject: "alice"))

  func grants(roles: [String] = [], policies: [Policy]) -> AccessGrants {
    let assignment = Assignment(
      organization: acme, identity: .application(subject: "ci"), roles: roles, policies: policies.map(\.name), authorship: at)
    let custom = Role(organization: acme, name: "beats", description: "", actions: [.manageCluster], kind: .custom, authorship: at)
    return AccessGrants(
      assignment: assignment,
      role: { BuiltInRoles.role($0, in: acme, createdAt: t) ?? ($0 == "beats" ? custom : nil) },
      policy: { name in policies.first { $0.name == name } ?? BuiltInRoles.policy(name, in: acme, createdAt: t) })
  }

  func policy(_ name: String, _ bindings: [PolicyBinding]) -> Policy {
    Policy(organization: acme, name: name, description: "", bindings: bindings, builtIn: false, authorship: at)
  }

  @Test func builtInPoliciesAndDirectRolesGrantOnTheOrganization() {
    let viewer = grants(policies: [BuiltInRoles.policy("viewer", in: acme, createdAt: t)!])
    #expect(viewer.allows(.viewClusterConfig) && viewer.allows(.viewIdentities))
    #expect(!viewer.allows(.manageCluster) && !viewer.allows(.managePermissions))
    #expect(viewer.allows(.viewClusterConfig, onCluster: "any"))
    let contributor = grants(roles: ["contributor"], policies: [])
    #expect(contributor.allows(.manageCluster) && contributor.allows(.manageQueue) && !contributor.allows(.managePermissions))
    #expect(grants(roles: ["admin"], policies: []).allows(.administerAccount))
  }

  @Test func clusterBindingsGrantOnTheirClusterOnly() {
    let dataPlane = grants(policies: [policy("dp", [PolicyBinding(role: "beats", resource: .cluster("c1"))])])
    #expect(!dataPlane.allows(.manageCluster))
    #expect(dataPlane.allows(.manageCluster, onCluster: "c1") && !dataPlane.allows(.manageCluster, onCluster: "c2"))
    #expect(dataPlane.clusters(granting: .manageCluster) == ["c1"] && dataPlane.clusters(granting: .viewClusterConfig).isEmpty)
  }

  @Test func domainProjectAndUnknownNamesGrantNothing() {
    let scoped = grants(
      roles: ["ghost"],
      policies: [
        policy("scoped", [
          PolicyBinding(role: "admin", resource: .domain("development")),
          PolicyBinding(role: "admin", resource: .project(domain: "development", name: "p")),
          PolicyBinding(role: "ghost", resource: .organization),
        ])
      ])
    #expect(scoped == AccessGrants())
    #expect(AccessGrants(assignment: nil, role: { _ in nil }, policy: { _ in nil }) == AccessGrants())
  }
}
