import ClusterPoolAuth
import ClusterPoolDomain
import ClusterPoolStore
import Foundation
import Logging
import NIOCore
import RPCCore
import Testing

@testable import ClusterPoolServer

/// The token endpoint over the identity store: an API key created in the store gets a token
/// naming its organization and app, by Basic or form credentials; a wrong secret or an unknown
/// or deleted app is invalid_client (401). No socket: the route's handler, as both transports
/// run it.
@Suite struct TokenEndpointTests {
  let template = DefaultPoolTemplate(
    config: try! ClusterPoolConfig(objectStoreURI: "s3://a", secretStoreType: 1), createdBy: .user(subject: "u"),
    createdAt: Timestamp(nanosecondsSinceEpoch: 0))
  let acme = try! Organization(validating: "acme")

  func withEndpoint(_ body: (PoolStore, TokenEndpoint) async throws -> Void) async throws {
    let store = try await PoolStore.open(
      backend: InMemoryBackend(createdAt: Timestamp(nanosecondsSinceEpoch: 0)), defaultPool: template,
      logger: Logger(label: "test"))
    let configuration = TokenConfiguration(issuer: "https://pools.example", audience: "clusterpool")
    let keyring = SigningKeyring(store: InMemorySigningKeyStore(), verifyRetiredFor: 3660)
    try await keyring.load(now: AccessTokens.systemClock())
    let endpoint = TokenEndpoint(
      tokens: AccessTokens(configuration: configuration, keyring: keyring),
      clients: StoreClientCredentials(store: store), logger: Logger(label: "test"))
    do {
      try await body(store, endpoint)
    } catch {
      await store.close()
      throw error
    }
    await store.close()
  }

  func post(_ endpoint: TokenEndpoint, _ form: String, authorization: String? = nil) async throws -> (Int, [String: Any], [(String, String)]) {
    var fields = Metadata()
    if let authorization { fields.addLowercased("authorization", authorization) }
    let response = await endpoint.respond(
      to: HTTPRouteRequest(
        method: "POST", path: "/oauth2/token", query: nil, contentType: "application/x-www-form-urlencoded",
        authority: "pools.example", fields: fields, body: ByteBuffer(string: form), peer: "test"))
    let body = try JSONSerialization.jsonObject(with: Data(response.body?.readableBytesView ?? ByteBuffer().readableBytesView))
    return (response.head?.status ?? 0, body as? [String: Any] ?? [:], response.head?.fields ?? [])
  }

  @Test func anAPIKeyGetsATokenNamingItsOrganizationAndApp() async throws {
    try await withEndpoint { store, endpoint in
      let (_, secret) = try await store.createApp(acme, clientID: "ci", AppRegistration(), defaultPolicy: nil, by: .user(subject: "u"))
      let basic = "Basic " + Data("ci:\(secret)".utf8).base64EncodedString()
      for (form, authorization) in [
        ("grant_type=client_credentials&scope=all", basic),
        ("grant_type=client_credentials&client_id=ci&client_secret=\(secret)", nil),
      ] as [(String, String?)] {
        let (status, body, fields) = try await post(endpoint, form, authorization: authorization)
        #expect(status == 200)
        #expect(body["token_type"] as? String == "Bearer")
        #expect(body["expires_in"] as? Int == 3600)
        #expect(fields.contains { $0 == ("cache-control", "no-store") })
        let caller = try endpoint.tokens.verify(try #require(body["access_token"] as? String))
        #expect(caller.organization == "acme" && caller.identity == .application(subject: "ci"))
      }
      let (status, body, fields) = try await post(endpoint, "grant_type=client_credentials", authorization: "Basic " + Data("ci:wrong".utf8).base64EncodedString())
      #expect(status == 401 && body["error"] as? String == "invalid_client")
      #expect(fields.contains { $0.0 == "www-authenticate" })
      try await store.deleteApp(acme, clientID: "ci", by: .user(subject: "u"))
      let (afterDelete, deleted, _) = try await post(endpoint, "grant_type=client_credentials", authorization: basic)
      #expect(afterDelete == 401 && deleted["error"] as? String == "invalid_client")
      #expect(!"\(deleted)".contains(secret))
    }
  }

  @Test func anAPIKeyOrItsTokenAuthenticatesAsBearerAndADeletedKeyStopsAtOnce() async throws {
    try await withEndpoint { store, endpoint in
      let (_, secret) = try await store.createApp(acme, clientID: "ci", AppRegistration(), defaultPolicy: nil, by: .user(subject: "u"))
      let authenticator = BearerAuthenticator(
        tokens: endpoint.tokens, apiKeys: StoreClientCredentials(store: store), required: [])
      func key(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
      for bearer in [key("dns:///pools.example:443:ci:\(secret):acme"), key("pools.example:ci:\(secret):None")] {
        let caller = try authenticator.caller(bearer: bearer)
        #expect(caller.organization == "acme" && caller.identity == .application(subject: "ci"))
      }
      #expect(throws: AuthenticationFailure.self) { try authenticator.caller(bearer: key("pools.example:ci:\(secret):beta")) }
      #expect(throws: AuthenticationFailure.self) { try authenticator.caller(bearer: key("pools.example:ci:wrong:acme")) }
      let (_, body, _) = try await post(endpoint, "grant_type=client_credentials&client_id=ci&client_secret=\(secret)")
      let token = try #require(body["access_token"] as? String)
      #expect(try authenticator.caller(bearer: token).identity == .application(subject: "ci"))
      try await store.deleteApp(acme, clientID: "ci", by: .user(subject: "u"))
      #expect(throws: AuthenticationFailure.invalidClient("the API key ci of this token was deleted")) {
        try authenticator.caller(bearer: token)
      }
      do {
        _ = try authenticator.caller(bearer: key("pools.example:ci:\(secret):acme"))
        Issue.record("a deleted API key still authenticates")
      } catch {
        #expect("\(error)".hasPrefix("unknown client id or wrong secret"))
      }
    }
  }
}
