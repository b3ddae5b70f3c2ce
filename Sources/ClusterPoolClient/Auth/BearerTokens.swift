internal import ClusterPoolProto
internal import Foundation
internal import Logging
internal import RPCCore
internal import RPCHTTP2

/// The bearer token a client's calls carry, and the header it goes in: found through the
/// server's `AuthMetadataService` (header name from `GetPublicClientConfig`, token endpoint
/// from `GetOAuth2Metadata`, else RFC 8414 metadata), got by the client-credentials grant (or
/// from an external command), cached, and renewed before it expires (60 s before, or after
/// 90 % of a lifetime under 10 minutes) or when the server refused it. Concurrent calls
/// share one renewal.
actor BearerTokens {
  /// A token and when to renew it (`nil`: only when refused).
  struct Token: Sendable {
    var value: Secret
    var renewAt: ContinuousClock.Instant?
  }

  let credentials: ClientCredentials
  let settings: ConnectionSettings
  let rpc: RPCClient
  let logger: Logger
  private var headerName: String?
  private var current: Token?
  private var pending: Task<Token, any Error>?
  private var tokenClients: [String: RPCClient] = [:]
  /// Tokens got so far (for tests and `-v`).
  private(set) var fetches = 0

  init(credentials: ClientCredentials, settings: ConnectionSettings, rpc: RPCClient, logger: Logger) {
    self.logger = logger
    self.credentials = credentials
    self.settings = settings
    self.rpc = rpc
  }

  /// The header to send: `(name, "Bearer TOKEN")`. With `replacing`, the token the server
  /// just refused: a new one is got unless another call already replaced it.
  func header(replacing rejected: String? = nil) async throws -> (name: String, value: String) {
    let token = try await token(replacing: rejected)
    return (headerName ?? "authorization", "Bearer " + token.value.revealed)
  }

  private func token(replacing rejected: String?) async throws -> Token {
    if let current, current.value.revealed != rejected.map({ String($0.dropFirst("Bearer ".count)) }),
      current.renewAt.map({ ContinuousClock.now < $0 }) ?? true
    {
      return current
    }
    if let pending { return try await pending.value }
    let task = Task { try await self.fetch() }
    pending = task
    do {
      let token = try await task.value
      current = token
      pending = nil
      return token
    } catch {
      pending = nil
      throw error
    }
  }

  /// Closes the connections opened to a token endpoint elsewhere.
  func close() async {
    for client in tokenClients.values { await client.close() }
    tokenClients = [:]
  }

  private func fetch() async throws -> Token {
    if headerName == nil { headerName = try await discoverHeaderName() }
    fetches += 1
    switch credentials.kind {
    case .clientSecret(let clientID, let secret):
      let endpoint = try await discoverTokenEndpoint()
      return try await requestToken(at: endpoint, clientID: clientID, secret: secret)
    case .externalCommand(let argv):
      return Token(value: try await ExternalTokenCommand(argv: argv, source: credentials.source).run(), renewAt: nil)
    }
  }

  // MARK: discovery

  private func unary<Request: ProtoMessage, Response: ProtoMessage>(
    _ method: ProtoMethodInfo, _ request: Request, _ response: Response.Type
  ) async throws -> Response {
    try await rpc.unary(
      MethodDescriptor(service: method.serviceName, method: method.name), request: request,
      serializer: ProtoSerializer<Request>(), deserializer: ProtoDeserializer<Response>(),
      options: CallOptions(timeout: settings.callTimeout))
  }

  /// `GetPublicClientConfig.authorization_metadata_key`, `authorization` when empty or when
  /// the server has no AuthMetadataService.
  private func discoverHeaderName() async throws -> String {
    typealias Service = Flyteidl2.Auth.AuthMetadataService
    do {
      let config = try await unary(
        Service.GetPublicClientConfig.method, Flyteidl2.Auth.GetPublicClientConfigRequest(),
        Flyteidl2.Auth.GetPublicClientConfigResponse.self)
      let name = config.authorizationMetadataKey.trimmingWhitespace().lowercased()
      return name.isEmpty ? "authorization" : name
    } catch let error as RPCError where error.code == .unimplemented {
      return "authorization"
    }
  }

  /// The token endpoint: `GetOAuth2Metadata.token_endpoint`, else the RFC 8414 document's.
  private func discoverTokenEndpoint() async throws -> URL {
    typealias Service = Flyteidl2.Auth.AuthMetadataService
    var text: String
    do {
      text = try await unary(
        Service.GetOAuth2Metadata.method, Flyteidl2.Auth.GetOAuth2MetadataRequest(),
        Flyteidl2.Auth.GetOAuth2MetadataResponse.self
      ).tokenEndpoint
    } catch let error as RPCError where error.code == .unimplemented {
      let answer = try await rpc.exchange(
        HTTPExchangeRequest(method: "GET", path: "/.well-known/oauth-authorization-server", fields: ["accept": "application/json"]),
        timeout: settings.callTimeout)
      let document = answer.status == 200 ? (try? JSONSerialization.jsonObject(with: Data(answer.body))) as? [String: Any] : nil
      guard let endpoint = document?["token_endpoint"] as? String else {
        throw ClientError(
          code: .unauthenticated,
          message: "\(settings.target) advertises no token endpoint (no AuthMetadataService, and "
            + "/.well-known/oauth-authorization-server answered \(answer.status)): it does not take \(credentials)")
      }
      text = endpoint
    }
    guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
      url.host != nil
    else {
      throw ClientError(code: .unauthenticated, message: "\(settings.target) advertises a token endpoint that is not an http(s) URL: \"\(text)\"")
    }
    if scheme == "http" && !settings.sendsCredentialsInCleartext {
      throw ClientError(
        code: .unauthenticated,
        message: "the token endpoint \(text) is cleartext: the client secret of \(credentials) is sent only over TLS",
        hint: "Serve the token endpoint over TLS, or allow credentials in cleartext (--allow-insecure-credentials) where TLS ends in front of the server.")
    }
    return url
  }

  // MARK: the client-credentials grant

  private func requestToken(at url: URL, clientID: String, secret: Secret) async throws -> Token {
    let host = url.host ?? ""
    let tls = url.scheme?.lowercased() == "https"
    let port = url.port ?? (tls ? 443 : 80)
    let sameServer = settings.clientConfiguration.host == host && settings.clientConfiguration.port == port
      && (settings.clientConfiguration.tls != nil) == tls
    let client = sameServer ? rpc : tokenClient(host: host, port: port, tls: tls)
    var path = url.path.isEmpty ? "/" : url.path
    if let query = url.query { path += "?" + query }
    let request = TokenRequest(clientID: clientID, secret: secret)
    let started = ContinuousClock.now
    let answer = try await client.exchange(
      HTTPExchangeRequest(method: "POST", path: path, fields: request.fields, body: request.body), timeout: settings.callTimeout)
    let issued = try request.token(from: answer, endpoint: url.absoluteString)
    return Token(value: issued.token, renewAt: issued.expiresIn.map { started + TokenRequest.renewal(lifetime: $0) })
  }

  private func tokenClient(host: String, port: Int, tls: Bool) -> RPCClient {
    let key = "\(tls ? "https" : "http")://\(host):\(port)"
    if let client = tokenClients[key] { return client }
    let client = RPCClient(
      configuration: ClientConfiguration(host: host, port: port, tls: tls ? .init(caCertificatePath: settings.caCertificatePath) : nil),
      logger: logger)
    tokenClients[key] = client
    return client
  }
}
