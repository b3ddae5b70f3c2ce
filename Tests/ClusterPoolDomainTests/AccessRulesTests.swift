import Testing

@testable import ClusterPoolDomain

/// The identity and access rules with no store: names, built-in roles, who holds an action,
/// the no-lock-out rule, secrets and the `FLYTE_API_KEY` form.
@Suite struct AccessRulesTests {
  let acme = try! Organization(validating: "acme")
  let at = Authorship(at: Timestamp(nanosecondsSinceEpoch: 1), by: .user(subject: "alice"))

  @Test func names() throws {
    #expect(try AccessName.validate("ci-deploy_1.x", kind: "role") == "ci-deploy_1.x")
    for bad in ["", "-ci", "a:b", "a b", String(repeating: "a", count: 129), "é"] {
      #expect(throws: DomainError.self) { try AccessName.validate(bad, kind: "role") }
    }
    #expect(try AccessName.validateSubject("00u1abc|google") == "00u1abc|google")
    #expect(throws: DomainError.self) { try AccessName.validateSubject("a b") }
    #expect(throws: DomainError.self) { try AccessName.validateSubject("") }
  }

  @Test func builtInRoles() {
    let roles = BuiltInRoles.all(in: acme, createdAt: Timestamp(nanosecondsSinceEpoch: 0))
    #expect(roles.map(\.name) == ["admin", "contributor", "viewer"] && roles.allSatisfy(\.isBuiltIn))
    let admin = roles[0], contributor = roles[1], viewer = roles[2]
    #expect(admin.actions == AccessAction.allCases)
    #expect(!contributor.grants(.managePermissions) && !contributor.grants(.administerAccount) && contributor.grants(.manageCluster))
    #expect(contributor.grants(.manageQueue) && contributor.grants(.viewIdentities))
    #expect(viewer.actions.allSatisfy { AccessAction.reads.contains($0) } && viewer.grants(.viewClusterConfig))
    #expect(!viewer.grants(.manageCluster))
    #expect(BuiltInRoles.policy("viewer", in: acme, createdAt: Timestamp(nanosecondsSinceEpoch: 0))?.bindings
      == [PolicyBinding(role: "viewer", resource: .organization)])
  }

  @Test func holdersAndLockOut() throws {
    let role: (String) -> Role? = { BuiltInRoles.role($0, in: self.acme, createdAt: Timestamp(nanosecondsSinceEpoch: 0)) }
    let own = Policy(organization: acme, name: "ops", bindings: [PolicyBinding(role: "admin", resource: .cluster("c1"))], authorship: at)
    let policy: (String) -> Policy? = { $0 == "ops" ? own : BuiltInRoles.policy($0, in: self.acme, createdAt: Timestamp(nanosecondsSinceEpoch: 0)) }
    let ada = Assignment(organization: acme, identity: .user(subject: "ada"), policies: ["admin"], authorship: at)
    let ci = Assignment(organization: acme, identity: .application(subject: "ci"), roles: ["contributor"], authorship: at)
    let ops = Assignment(organization: acme, identity: .application(subject: "ops"), policies: ["ops"], authorship: at)
    let holders = AccessRules.holders(of: .managePermissions, assignments: [ada, ci, ops], role: role, policy: policy)
    // admin on one cluster grants nothing on the organization
    #expect(holders == [.user(subject: "ada")])
    #expect(throws: DomainError.self) {
      try AccessRules.checkNotLockedOut(acme, before: holders, after: [], change: "unassigning")
    }
    try AccessRules.checkNotLockedOut(acme, before: [], after: [], change: "anything")  // nobody held it before
    try AccessRules.checkNotLockedOut(acme, before: holders, after: [.application(subject: "ci")], change: "handing over")
  }

  @Test func actionNumbers() throws {
    #expect(try AccessAction(validatingNumber: 10) == .managePermissions)
    #expect(AccessAction.manageLLMGatewayKeys.rawValue == 23 && AccessAction.allCases.count == 23)
    #expect(throws: DomainError.self) { try AccessAction(validatingNumber: 0) }
    #expect(throws: DomainError.self) { try AccessAction(validatingNumber: 24) }
  }

  @Test func secretsAndTheAPIKeyString() throws {
    let secrets = (0..<50).map { _ in APIKeySecret.generate() }
    #expect(Set(secrets).count == 50 && secrets.allSatisfy { $0.utf8.count == 43 && !$0.contains(":") && !$0.contains("=") })
    #expect(Base64.decode(secrets[0])?.count == 32)
    let key = APIKeyCredentials(endpoint: "dns:///pools.example.com:443", clientID: "ci", secret: secrets[0], organization: "acme")
    // the official client's decode_api_key splits at the first three ':' (the endpoint's own colons move into the rest)
    #expect(Base64.decode(key.encoded).map { String(decoding: $0, as: UTF8.self) }
      == "dns:///pools.example.com:443:ci:\(secrets[0]):acme")
    #expect(APIKeyCredentials(encoded: APIKeyCredentials(endpoint: "pools", clientID: "ci", secret: "s", organization: "").encoded)
      == APIKeyCredentials(endpoint: "pools", clientID: "ci", secret: "s", organization: "None"))
    #expect(APIKeyCredentials(encoded: "bm90IGEga2V5") == nil)  // "not a key"
    #expect(Base64.encode(Array("any carnal pleas".utf8)) == "YW55IGNhcm5hbCBwbGVhcw==")
    #expect(Base64.encode(Array("any carnal pleasu".utf8)) == "YW55IGNhcm5hbCBwbGVhc3U=")
  }

  @Test func digestsCompareWhole() {
    let digest = SecretDigest(bytes: Array(repeating: 7, count: 32))
    #expect(digest.matches(SecretDigest(bytes: Array(repeating: 7, count: 32))))
    #expect(!digest.matches(SecretDigest(bytes: Array(repeating: 7, count: 31) + [8])))
    #expect(!digest.matches(SecretDigest(bytes: Array(repeating: 7, count: 31))))
    #expect(!SecretDigest(bytes: []).matches(SecretDigest(bytes: [])))
  }
}
