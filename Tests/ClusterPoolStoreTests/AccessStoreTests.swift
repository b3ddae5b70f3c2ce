import ClusterPoolDomain
import Foundation
import Synchronization
import Testing

@testable import ClusterPoolStore

/// Identity and access writes in the store's transactions on every backend: API keys with a
/// secret shown once and kept as a digest, built-in roles and policies, custom ones, users,
/// assignments, the rules' rejections, and the no-lock-out rule.
@Suite struct AccessStoreTests {
  let beta = try! Organization(validating: "beta")

  func ci() -> AppRegistration {
    var registration = AppRegistration()
    registration.clientName = "ci"
    registration.grantTypes = [3]
    return registration
  }

  @Test(arguments: StoreKind.allCases) func apiKeysKeepOnlyADigestOfTheirSecret(_ kind: StoreKind) async throws {
    try await kind.with { store in
      let (app, secret) = try await store.createApp(acme, clientID: "ci", ci(), defaultPolicy: "contributor", by: alice)
      #expect(secret.utf8.count == 43 && !secret.contains(":"))
      #expect(app.secretDigest.bytes.count == 32 && app.authorship.createdBy == alice)
      #expect(store.snapshot().app(acme, clientID: "ci") == app)
      #expect(store.authenticateApp(clientID: "ci", secret: secret) == app)
      #expect(store.authenticateApp(clientID: "ci", secret: secret + "x") == nil)
      #expect(store.authenticateApp(clientID: "other", secret: secret) == nil)
      // the default policy is given with it
      #expect(store.snapshot().assignment(acme, .application(subject: "ci"))?.policies == ["contributor"])
      // another organization may take the same client id; its secret tells them apart
      let (other, otherSecret) = try await store.createApp(beta, clientID: "ci", ci(), defaultPolicy: nil, by: alice)
      #expect(store.authenticateApp(clientID: "ci", secret: otherSecret) == other && otherSecret != secret)
      // the client id's index names both organizations, and only the apps of that id
      #expect(Set(store.snapshot().apps(clientID: "ci")) == [app, other] && store.snapshot().apps(clientID: "c").isEmpty)
      #expect(await code { _ = try await store.createApp(acme, clientID: "ci", ci(), defaultPolicy: nil, by: alice) } == .alreadyExists)
      #expect(await code { _ = try await store.createApp(acme, clientID: "a:b", ci(), defaultPolicy: nil, by: alice) } == .invalidArgument)
      #expect(await code { _ = try await store.createApp(acme, clientID: "x", ci(), defaultPolicy: "nope", by: alice) } == .notFound)
      #expect(store.snapshot().app(acme, clientID: "x") == nil)  // the rejected write left nothing
      var renamed = ci()
      renamed.clientName = "ci-2"
      let updated = try await store.updateApp(acme, clientID: "ci", renamed, by: alice)
      #expect(updated.registration.clientName == "ci-2" && updated.secretDigest == app.secretDigest)
      try await store.deleteApp(acme, clientID: "ci", by: alice)
      #expect(store.snapshot().app(acme, clientID: "ci") == nil && store.snapshot().assignment(acme, app.identity) == nil)
      #expect(store.authenticateApp(clientID: "ci", secret: secret) == nil)
      #expect(store.snapshot().apps(clientID: "ci") == [other])
      #expect(await code { try await store.deleteApp(acme, clientID: "ci", by: alice) } == .notFound)
    }
  }

  @Test(arguments: StoreKind.allCases) func rolesAndPoliciesBuiltInAndOwn(_ kind: StoreKind) async throws {
    try await kind.with { store in
      #expect(store.snapshot().roles(in: acme).map(\.name) == ["admin", "contributor", "viewer"])
      #expect(store.snapshot().role(acme, "viewer")?.grants(.managePermissions) == false)
      #expect(store.snapshot().role(acme, "contributor")?.grants(.manageCluster) == true)
      #expect(store.snapshot().role(acme, "contributor")?.grants(.managePermissions) == false)
      let own = Role(organization: acme, name: "ops", description: "ops", actions: [.manageCluster, .viewClusterConfig],
                     authorship: Authorship(at: Timestamp(nanosecondsSinceEpoch: 0), by: alice))
      let created = try await store.createRole(own, by: alice)
      #expect(created.kind == .custom && store.snapshot().role(acme, "ops") == created)
      #expect(await code { _ = try await store.createRole(own, by: alice) } == .alreadyExists)
      var admin = own
      admin.name = "admin"
      #expect(await code { _ = try await store.createRole(admin, by: alice) } == .alreadyExists)
      #expect(await code { _ = try await store.updateRole(admin, by: alice) } == .failedPrecondition)
      #expect(await code { try await store.deleteRole(acme, "viewer", by: alice) } == .failedPrecondition)
      let grown = try await store.changeRoleAction(acme, role: "ops", .manageQueue, adding: true, by: alice)
      #expect(grown.actions == [.manageCluster, .manageQueue, .viewClusterConfig])
      let binding = PolicyBinding(role: "ops", resource: .cluster("c1"))
      let policy = Policy(organization: acme, name: "ops-c1", bindings: [binding], authorship: created.authorship)
      _ = try await store.createPolicy(policy, by: alice)
      #expect(await code { try await store.deleteRole(acme, "ops", by: alice) } == .failedPrecondition)  // still bound
      var missing = policy
      missing.name = "other"
      missing.bindings = [PolicyBinding(role: "nope", resource: .organization)]
      #expect(await code { _ = try await store.createPolicy(missing, by: alice) } == .notFound)
      let bound = try await store.changeBinding(acme, policy: "ops-c1", PolicyBinding(role: "viewer", resource: .domain("dev")), adding: true, by: alice)
      #expect(bound.bindings.count == 2 && store.snapshot().policy(acme, "ops-c1") == bound)
      #expect(store.snapshot().policies(in: acme).map(\.name) == ["admin", "contributor", "viewer", "ops-c1"])
      #expect(store.snapshot().roles(in: beta).map(\.name) == ["admin", "contributor", "viewer"])  // nothing leaks
      try await store.deletePolicy(acme, "ops-c1", by: alice)
      try await store.deleteRole(acme, "ops", by: alice)
      #expect(store.snapshot().role(acme, "ops") == nil && store.snapshot().policy(acme, "ops-c1") == nil)
    }
  }

  @Test(arguments: StoreKind.allCases) func theLastAdministratorCannotBeRemoved(_ kind: StoreKind) async throws {
    try await kind.with { store in
      let user = try await store.createUser(acme, UserProfile(firstName: "Ada", email: "Ada@Example.com"), by: alice)
      #expect(user.subject == "ada@example.com")
      #expect(await code { _ = try await store.createUser(acme, UserProfile(email: "ada@example.com"), by: alice) } == .alreadyExists)
      #expect(await code { _ = try await store.createUser(acme, UserProfile(email: "not-an-address"), by: alice) } == .invalidArgument)
      _ = try await store.createApp(acme, clientID: "ci", ci(), defaultPolicy: nil, by: alice)
      try await store.assign(acme, user.identity, .policy("admin"), by: alice)
      #expect(await code { try await store.assign(acme, .user(subject: "ghost"), .policy("admin"), by: alice) } == .notFound)
      // the only administrator: neither unassigned nor deleted
      #expect(await code { try await store.unassign(acme, user.identity, .policy("admin"), by: alice) } == .failedPrecondition)
      #expect(await code { try await store.deleteUser(acme, subject: user.subject, by: alice) } == .failedPrecondition)
      // a role granting ACTION_MANAGE_PERMISSIONS given directly counts too
      try await store.assign(acme, .application(subject: "ci"), .role("admin"), by: alice)
      try await store.unassign(acme, user.identity, .policy("admin"), by: alice)
      #expect(store.snapshot().assignment(acme, user.identity) == nil)
      #expect(await code { try await store.deleteApp(acme, clientID: "ci", by: alice) } == .failedPrecondition)
      #expect(await code { try await store.unassign(acme, user.identity, .policy("admin"), by: alice) } == .notFound)
      try await store.deleteUser(acme, subject: user.subject, by: alice)
      #expect(store.snapshot().users(in: acme).isEmpty)
    }
  }

  @Test func identityRowsSurviveReopen() async throws {
    try await TemporaryDatabase.with { database, store in
      let (app, secret) = try await store.createApp(acme, clientID: "ci", ci(), defaultPolicy: "viewer", by: alice)
      _ = try await store.createUser(acme, UserProfile(email: "ada@example.com", groups: ["ops"]), by: alice)
      let before = store.snapshot()
      await store.close()
      let reopened = try database.open()
      #expect(reopened.snapshot().app(acme, clientID: "ci") == app)
      #expect(reopened.authenticateApp(clientID: "ci", secret: secret) == app)
      #expect(reopened.snapshot().apps(clientID: "ci") == [app])
      #expect(reopened.snapshot().users(in: acme) == before.users(in: acme))
      #expect(reopened.snapshot().assignments(in: acme) == before.assignments(in: acme))
      await reopened.close()
    }
  }

  @Test(arguments: StoreKind.allCases) func accessObserversHearOfEveryAccessCommitWithItsOrganizations(_ kind: StoreKind) async throws {
    try await kind.with { store in
      let heard = Mutex<[Set<Organization>?]>([])
      store.observeAccess { organizations in heard.withLock { $0.append(organizations) } }
      _ = try await store.createApp(acme, clientID: "ci", ci(), defaultPolicy: "viewer", by: alice)
      let ops = Role(organization: beta, name: "ops", actions: [.manageCluster], authorship: .init(at: .init(nanosecondsSinceEpoch: 0), by: alice))
      _ = try await store.createRole(ops, by: alice)
      try await store.unassign(acme, .application(subject: "ci"), .policy("viewer"), by: alice)
      try await store.deleteApp(acme, clientID: "ci", by: alice)
      #expect(heard.withLock { $0 } == [[acme], [beta], [acme], [acme]])
      // a rejected access write and a write of no access row tell nothing
      _ = try? await store.deleteApp(acme, clientID: "ci", by: alice)
      _ = try await store.registerCluster(clusterKey("c1"), into: pool("default"), by: alice)
      #expect(heard.withLock { $0 }.count == 4)
    }
  }
}
