import ClusterPoolAuth
import ClusterPoolDomain
import ClusterPoolProto
import ClusterPoolStore
import Foundation
import Logging
import RPCCore
import RPCHTTP2
import Testing

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

@testable import ClusterPoolServer

/// The token flow over real sockets: an API key made in the store gets a token from the
/// token endpoint over HTTP/1.1 (URLSession), and that token (or the API key itself) makes
/// IdentityService/UserInfo answer over gRPC on HTTP/2; without one UserInfo is UNAUTHENTICATED.
@Suite struct AuthEndToEndTests {
  static let userInfo = MethodDescriptor(service: AuthService.identityServiceName, method: "UserInfo")
  let template = DefaultPoolTemplate(
    config: try! ClusterPoolConfig(objectStoreURI: "s3://a", secretStoreType: 1), createdBy: .user(subject: "u"),
    createdAt: Timestamp(nanosecondsSinceEpoch: 0))

  func userInfo(_ client: RPCClient, bearer: String?) async throws -> Flyteidl2.Auth.UserInfoResponse {
    var options = CallOptions()
    if let bearer { options.metadata.add("authorization", "Bearer " + bearer) }
    return try await client.unary(
      Self.userInfo, request: Flyteidl2.Auth.UserInfoRequest(), serializer: ProtoSerializer(),
      deserializer: ProtoDeserializer<Flyteidl2.Auth.UserInfoResponse>(), options: options)
  }

  @Test func anAPIKeysTokenFromTheTokenEndpointAnswersUserInfo() async throws {
    let logger = Logger(label: "test")
    let store = try await PoolStore.open(
      backend: InMemoryBackend(createdAt: Timestamp(nanosecondsSinceEpoch: 0)), defaultPool: template, logger: logger)
    var registration = AppRegistration()
    registration.clientName = "CI robot"
    let (_, secret) = try await store.createApp(
      try Organization(validating: "acme"), clientID: "ci", registration, defaultPolicy: nil, by: .user(subject: "u"))
    let keyring = SigningKeyring(store: InMemorySigningKeyStore(), verifyRetiredFor: 3660)
    try await keyring.load(now: AccessTokens.systemClock())
    let auth = AuthService(
      tokens: AccessTokens(configuration: TokenConfiguration(issuer: "clusterpool-server", audience: "clusterpool"), keyring: keyring),
      clients: StoreClientCredentials(store: store), access: store, configuration: .init(tls: false), logger: logger)
    let app = ServerApplication(auth: auth, logger: logger)
    let server = RPCServer(
      configuration: ServerConfiguration(host: "127.0.0.1", port: 0, eventLoopThreads: 1), registry: app.registry, logger: logger)
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await server.run() }
      defer { group.cancelAll() }
      let address = try await server.listeningAddress
      var request = URLRequest(url: URL(string: "http://127.0.0.1:\(address.port)/oauth2/token")!)
      request.httpMethod = "POST"
      request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
      request.setValue("Basic " + Data("ci:\(secret)".utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
      request.httpBody = Data("grant_type=client_credentials".utf8)
      let (data, response) = try await URLSession.shared.data(for: request)
      #expect((response as? HTTPURLResponse)?.statusCode == 200)
      let body = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
      let token = try #require(body["access_token"] as? String)

      let client = RPCClient(configuration: .init(host: address.host, port: address.port), logger: logger)
      do {
        let info = try await userInfo(client, bearer: token)
        #expect(info.subject == "ci" && info.name == "CI robot")
        let claims = Dictionary(uniqueKeysWithValues: (info.additionalClaims?.fields ?? []).map { ($0.key, $0.value?.kind) })
        #expect(claims["organization"] == .stringValue("acme") && claims["subject_kind"] == .stringValue("app"))
        let apiKey = Data("localhost:ci:\(secret):acme".utf8).base64EncodedString()
        #expect(try await userInfo(client, bearer: apiKey).subject == "ci")
        do {
          _ = try await userInfo(client, bearer: nil)
          Issue.record("UserInfo answered without credentials")
        } catch let error as RPCError {
          #expect(error.code == .unauthenticated && error.message.contains("no credentials"))
        }
      } catch {
        await client.close()
        throw error
      }
      await client.close()
    }
    await store.close()
  }
}
