internal import Foundation
public import Logging
public import RPCCore

/// The OAuth2 token endpoint (RFC 6749 section 4.4, client-credentials grant): a form POST
/// whose client authenticates by `Authorization: Basic base64(id:secret)` or by the form
/// fields `client_id` and `client_secret` (not both); answers
/// `{"access_token", "token_type": "Bearer", "expires_in"}` or a section 5.2 error (400, or 401
/// `invalid_client` with `WWW-Authenticate`), always with `Cache-Control: no-store`.
///
/// With an OpenID Connect provider, the grants of people (`passedOn`: device code, refresh
/// token, authorization code) are passed on to the provider's token endpoint by `passOn`: the
/// official CLI reads one token endpoint for every flow, so ours serves apps and relays people.
public struct TokenEndpoint: Sendable {
  /// The grant types relayed to the provider when `passOn` is set.
  public static let passedOn: Set<String> = [
    "urn:ietf:params:oauth:grant-type:device_code", "refresh_token", "authorization_code",
  ]
  public let tokens: AccessTokens
  public let clients: any ClientCredentialVerifier
  /// Relays a token request to the OpenID Connect provider and returns its answer.
  package let passOn: (@Sendable (HTTPRouteRequest) async -> WireResponse)?
  let logger: Logger

  package init(
    tokens: AccessTokens, clients: any ClientCredentialVerifier,
    passOn: (@Sendable (HTTPRouteRequest) async -> WireResponse)? = nil, logger: Logger
  ) {
    self.tokens = tokens
    self.clients = clients
    self.passOn = passOn
    self.logger = logger
  }

  /// The route serving it at `AuthorizationServerMetadata.tokenPath`.
  package var route: HTTPRoute {
    HTTPRoute(path: AuthorizationServerMetadata.tokenPath, methods: ["POST"], maxBodySize: 16 << 10) { request in
      await respond(to: request)
    }
  }

  static let noStore: [(String, String)] = [("cache-control", "no-store"), ("pragma", "no-cache")]

  /// The answer to one token request.
  package func respond(to request: HTTPRouteRequest) async -> WireResponse {
    var basic = false
    do throws(TokenRequestError) {
      let mediaType = request.contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
      guard mediaType == "application/x-www-form-urlencoded" else {
        throw .init(.invalidRequest, "the token request must be a form (application/x-www-form-urlencoded), not \(request.contentType ?? "no content-type")")
      }
      let form = FormBody(Array(request.body.readableBytesView))
      guard let grant = try form.value("grant_type") else { throw .init(.invalidRequest, "grant_type is missing") }
      if let passOn, Self.passedOn.contains(grant) { return await passOn(request) }
      guard grant == "client_credentials" else {
        let others = passOn == nil ? " only" : " here, or " + Self.passedOn.sorted().joined(separator: ", ") + " for the OIDC provider"
        throw .init(.unsupportedGrantType, "grant_type \(grant.prefix(64)) is not supported (client_credentials\(others))")
      }
      let (id, secret) = try Self.client(request.fields.first("authorization"), form, basic: &basic)
      let caller: AuthenticatedCaller
      do {
        caller = try await clients.authenticateClient(id: id, secret: secret)
      } catch {
        throw .init(.invalidClient, error.description)
      }
      let issued: (token: String, expiresIn: Int64)
      do {
        issued = try tokens.issue(for: caller)
      } catch {
        logger.error("cannot sign an access token: \(error)")
        return HTTPRoute.json(.object([("error", .string("server_error"))]), status: 500, fields: Self.noStore)
      }
      logger.debug("issued an access token", metadata: ["caller": "\(caller)", "peer": "\(request.peer)"])
      return HTTPRoute.json(
        .object([
          ("access_token", .string(issued.token)), ("token_type", .string("Bearer")),
          ("expires_in", .number(Double(issued.expiresIn))),
        ]), fields: Self.noStore)
    } catch {
      logger.debug("token request refused: \(error.code.rawValue): \(error.description)", metadata: ["peer": "\(request.peer)"])
      var fields = Self.noStore
      if error.code == .invalidClient {
        fields.append(("www-authenticate", basic ? #"Basic realm="clusterpool", error="invalid_client""# : #"Basic realm="clusterpool""#))
      }
      return HTTPRoute.json(
        .object([("error", .string(error.code.rawValue)), ("error_description", .string(error.description))]),
        status: error.status, fields: fields)
    }
  }

  /// The client id and secret, from `Authorization: Basic` or the form (RFC 6749 section 2.3.1).
  static func client(_ authorization: String?, _ form: FormBody, basic: inout Bool) throws(TokenRequestError) -> (String, String) {
    let formID = try form.value("client_id"), formSecret = try form.value("client_secret")
    guard let authorization else {
      guard let formID, !formID.isEmpty else {
        throw .init(.invalidClient, "no client credentials: send Authorization: Basic, or client_id and client_secret")
      }
      guard let formSecret, !formSecret.isEmpty else { throw .init(.invalidClient, "client_secret is missing") }
      return (formID, formSecret)
    }
    basic = true
    guard formSecret == nil else {
      throw .init(.invalidRequest, "the client authenticates twice (Authorization and client_secret): use one")
    }
    let parts = authorization.split(separator: " ", maxSplits: 1)
    guard parts.count == 2, parts[0].lowercased() == "basic",
      let decoded = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
      let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
    else { throw .init(.invalidClient, "the Authorization header is not Basic base64(client_id:client_secret)") }
    func formDecoded(_ part: Substring) -> String { PercentEncoding.decode(part.replacingOccurrences(of: "+", with: " ")) }
    let id = formDecoded(text[..<colon]), secret = formDecoded(text[text.index(after: colon)...])
    guard !id.isEmpty, !secret.isEmpty else { throw .init(.invalidClient, "the Basic credentials lack a client id or secret") }
    if let formID, formID != id { throw .init(.invalidRequest, "client_id differs from the Authorization header's") }
    return (id, secret)
  }
}
