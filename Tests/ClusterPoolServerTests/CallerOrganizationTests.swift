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

/// With `--auth on`, requests that name no organization mean the caller's, over real sockets:
/// an API key of organization `beta` (on a server whose default organization is `default`)
/// whose `FLYTE_API_KEY` names no organization (`None` or empty, as the official client prints
/// it for non-serverless endpoints), used as the bearer or traded for a token at the token
/// endpoint; `GetUserRequest`, which has no organization field, reads the caller's.
@Suite struct CallerOrganizationTests {
  let logger = Logger(label: "test")
  typealias GetUser = Cloudidl.Identity.GetUserRequest
  typealias GetPool = Cloudidl.Clusterpool.GetRequest

  func call<Req: ProtoMessage, Resp: ProtoMessage>(
    _ client: RPCClient, _ path: String, _ request: Req, _: Resp.Type, bearer: String
  ) async throws -> Resp {
    var options = CallOptions()
    options.metadata.add("authorization", "Bearer " + bearer)
    return try await client.unary(
      MethodDescriptor(path: path)!, request: request, serializer: ProtoSerializer(), deserializer: ProtoDeserializer<Resp>(),
      options: options)
  }

  /// The first name of the user `email` as GetUser answers it with `bearer`; nil for NOT_FOUND.
  func firstName(_ client: RPCClient, _ email: String, bearer: String) async throws -> String? {
    do {
      let reply = try await call(
        client, "/cloudidl.identity.UserService/GetUser", GetUser(id: .init(subject: email)), Cloudidl.Identity.GetUserResponse.self,
        bearer: bearer)
      return reply.user?.spec?.firstName
    } catch let error as RPCError where error.code == .notFound {
      #expect(!error.message.contains("acme"))
      return nil
    }
  }

  /// The organization of the pool `default` of the caller's organization, by a Get naming none.
  func defaultPoolOrganization(_ client: RPCClient, bearer: String) async throws -> String? {
    let reply = try await call(
      client, "/cloudidl.clusterpool.ClusterPoolService/Get", GetPool(id: .init(organization: "", name: "default")),
      Cloudidl.Clusterpool.GetResponse.self, bearer: bearer)
    return reply.clusterPool?.id?.organization
  }

  func token(port: Int, _ clientID: String, _ secret: String) async throws -> String {
    var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/oauth2/token")!)
    request.httpMethod = "POST"
    request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
    request.setValue("Basic " + Data("\(clientID):\(secret)".utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
    request.httpBody = Data("grant_type=client_credentials".utf8)
    let (data, response) = try await URLSession.shared.data(for: request)
    #expect((response as? HTTPURLResponse)?.statusCode == 200)
    let body = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    return try #require(body["access_token"] as? String)
  }

  @Test func aKeyNamingNoOrganizationActsInItsAppsOrganization() async throws {
    let (store, auth) = try await AccessGateTests.storeAndAuth()
    let (acme, beta) = (try Organization(validating: "acme"), try Organization(validating: "beta"))
    let root = Identity.user(subject: "root")
    let (_, secret) = try await store.createApp(beta, clientID: "ci", AppRegistration(), defaultPolicy: "admin", by: root)
    _ = try await store.createUser(beta, UserProfile(firstName: "Beta", email: "ada@example.com"), by: root)
    _ = try await store.createUser(acme, UserProfile(firstName: "Acme", email: "ada@example.com"), by: root)
    _ = try await store.createUser(acme, UserProfile(firstName: "Bob", email: "bob@example.com"), by: root)
    let app = ServerApplication(
      clusterPools: ClusterPoolService(store: store), identity: IdentityServices(store: store), auth: auth, logger: logger)
    let server = RPCServer(
      configuration: ServerConfiguration(host: "127.0.0.1", port: 0, eventLoopThreads: 1), registry: app.registry, logger: logger)
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await server.run() }
      defer { group.cancelAll() }
      let address = try await server.listeningAddress
      let client = RPCClient(configuration: .init(host: address.host, port: address.port), logger: logger)
      do {
        var bearers = ["None", ""].map { Data("localhost:ci:\(secret):\($0)".utf8).base64EncodedString() }
        bearers.append(try await token(port: address.port, "ci", secret))
        for bearer in bearers {
          #expect(try await firstName(client, "ada@example.com", bearer: bearer) == "Beta")
          #expect(try await firstName(client, "bob@example.com", bearer: bearer) == nil)  // acme's only
          #expect(try await defaultPoolOrganization(client, bearer: bearer) == "beta")
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
