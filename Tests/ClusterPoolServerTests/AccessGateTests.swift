import ClusterPoolAuth
import ClusterPoolDomain
import ClusterPoolStore
import Foundation
import Logging
import RPCCore
import Testing

@testable import ClusterPoolServer

/// The decision of every call with `--auth on`: identity.md's table by method (every method
/// the server registers has a rule), and the gate's answers for a real store's API key as its
/// grants change (the cache follows the store's revision).
@Suite struct AccessGateTests {
  @Test func theTableOfIdentityMD() {
    let expected: [String: MethodAccess] = [
      "/cloudidl.clusterpool.ClusterPoolService/Get": .organization(.viewClusterConfig),
      "/cloudidl.clusterpool.ClusterPoolService/List": .organization(.viewClusterConfig),
      "/cloudidl.clusterpool.ClusterPoolService/Create": .organization(.manageCluster),
      "/cloudidl.clusterpool.ClusterPoolService/Undelete": .organization(.manageCluster),
      "/cloudidl.cluster.ClusterService/Count": .organization(.viewClusterConfig),
      "/cloudidl.cluster.ClusterService/WatchClusters": .organization(.viewClusterConfig),
      "/cloudidl.cluster.ClusterService/UpdateClusterState": .organization(.manageCluster),
      "/cloudidl.cluster.ClusterService/Heartbeat": .cluster(.manageCluster),
      "/cloudidl.cluster.ClusterService/UpdateStatus": .cluster(.manageCluster),
      "/cloudidl.queue.QueueService/ListQueues": .organization(.viewClusterConfig),
      "/cloudidl.queue.QueueService/UpdateQueueState": .organization(.manageQueue),
      "/cloudidl.identity.AppsService/List": .organization(.viewIdentities),
      "/cloudidl.identity.MemberService/ListMembers": .organization(.viewIdentities),
      "/cloudidl.authorizer.AuthorizerService/GetIdentityAssignments": .organization(.viewIdentities),
      "/cloudidl.authorizer.AuthorizerService/AssignIdentity": .organization(.managePermissions),
      "/cloudidl.identity.RoleService/CreateRoleAction": .organization(.managePermissions),
      "/clusterpool.audit.v1.AuditService/List": .organization(.administerAccount),
      "/clusterpool.audit.v1.AuditService/Watch": .organization(.administerAccount),
      "/flyteidl2.auth.IdentityService/UserInfo": .authenticated,
      "/flyteidl2.auth.AuthMetadataService/GetOAuth2Metadata": .open,
      "/grpc.health.v1.Health/Check": .open,
      "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo": .open,
    ]
    for (path, rule) in expected { #expect(MethodAccess.rule(for: path) == rule, "\(path)") }
    #expect(MethodAccess.rule(for: "/unknown.Service/Get") == nil)
    #expect(MethodAccess.rule(for: "/flyteidl2.auth.IdentityService/Other") == nil)
  }

  @Test func everyRegisteredMethodHasARule() async throws {
    let (store, auth) = try await Self.storeAndAuth()
    let app = ServerApplication(
      clusterPools: ClusterPoolService(store: store), clusters: ClusterService(store: store),
      queues: QueueService(store: store, clusters: ClusterService(store: store)), identity: IdentityServices(store: store),
      auth: auth,
      audit: AuditServing(
        service: AuditService(store: store, defaultOrganization: try Organization(validating: "acme")),
        recorder: AuditRecorder(store: store, defaultOrganization: try Organization(validating: "acme"), logger: Logger(label: "test")),
        fallback: nil),
      logger: Logger(label: "test"))
    #expect(app.registry.methods.contains { $0.path == "/clusterpool.audit.v1.AuditService/Watch" })
    #expect(app.registry.methods.count > 50)
    for method in app.registry.methods { #expect(MethodAccess.rule(for: method.path) != nil, "\(method.path)") }
  }

  @Test func decisionsFollowTheStore() async throws {
    let (store, auth) = try await Self.storeAndAuth()
    let acme = try Organization(validating: "acme")
    let admin = Identity.user(subject: "root")
    let (_, secret) = try await store.createApp(acme, clientID: "ci", AppRegistration(), defaultPolicy: "viewer", by: admin)
    let key = Data("localhost:ci:\(secret):acme".utf8).base64EncodedString()
    let gate = AccessGate(bearer: BearerAuthenticator(tokens: auth.tokens, apiKeys: StoreClientCredentials(store: store), required: []), store: store)
    func decide(_ path: String, _ bearer: String?) -> Result<CallCaller?, RPCError> {
      var metadata = Metadata()
      if let bearer { metadata.add("authorization", "Bearer " + bearer) }
      let context = ServerContext(
        method: MethodDescriptor(path: path)!, requestMetadata: metadata, deadline: nil, peer: "test", logger: Logger(label: "test"))
      return Result { () throws(RPCError) in try gate.authenticate(context) }
    }
    let list = "/cloudidl.clusterpool.ClusterPoolService/List", create = "/cloudidl.clusterpool.ClusterPoolService/Create"
    #expect(try decide(list, key).get() == CallCaller(organization: "acme", kind: .app, subject: "ci"))
    #expect(throws: RPCError(code: .permissionDenied, message: "app ci lacks ACTION_MANAGE_CLUSTER on organization acme")) {
      try decide(create, key).get()
    }
    #expect(throws: RPCError.self) { try decide(list, nil).get() }
    #expect((try? decide(list, key + "x").get()) == nil)
    if case .failure(let error) = decide(list, nil) { #expect(error.code == .unauthenticated) }
    #expect(try decide("/grpc.health.v1.Health/Check", nil).get() == nil)
    // a new assignment moves the store's revision: the cached grants are read again
    _ = try await store.assign(acme, .application(subject: "ci"), .policy("contributor"), by: admin)
    #expect(try decide(create, key).get()?.subject == "ci")
    // a cluster binding limits Heartbeat to its clusters
    _ = try await store.createRole(Role(organization: acme, name: "beats", actions: [.manageCluster], authorship: .init(at: .init(nanosecondsSinceEpoch: 0), by: admin)), by: admin)
    _ = try await store.createPolicy(
      Policy(organization: acme, name: "dp", bindings: [PolicyBinding(role: "beats", resource: .cluster("c1"))],
        authorship: .init(at: .init(nanosecondsSinceEpoch: 0), by: admin)), by: admin)
    let (_, dpSecret) = try await store.createApp(acme, clientID: "dp", AppRegistration(), defaultPolicy: "dp", by: admin)
    let dp = Data("localhost:dp:\(dpSecret):acme".utf8).base64EncodedString()
    #expect(try decide("/cloudidl.cluster.ClusterService/Heartbeat", dp).get()?.limitedTo == ["c1"])
    if case .failure(let error) = decide("/cloudidl.cluster.ClusterService/DeleteCluster", dp) {
      #expect(error.code == .permissionDenied)
    } else {
      Issue.record("a cluster binding granted an organization-wide write")
    }
  }

  static func storeAndAuth() async throws -> (PoolStore, AuthService) {
    let logger = Logger(label: "test")
    let store = try await PoolStore.open(
      backend: InMemoryBackend(createdAt: Timestamp(nanosecondsSinceEpoch: 0)),
      defaultPool: DefaultPoolTemplate(
        config: try ClusterPoolConfig(objectStoreURI: "s3://a", secretStoreType: 1), createdBy: .user(subject: "u"),
        createdAt: Timestamp(nanosecondsSinceEpoch: 0)), logger: logger)
    let keyring = SigningKeyring(store: InMemorySigningKeyStore(), verifyRetiredFor: 3660)
    try await keyring.load(now: AccessTokens.systemClock())
    let auth = AuthService(
      tokens: AccessTokens(configuration: TokenConfiguration(issuer: "clusterpool-server", audience: "clusterpool"), keyring: keyring),
      clients: StoreClientCredentials(store: store), access: store, configuration: .init(tls: false, enforce: true), logger: logger)
    return (store, auth)
  }
}
