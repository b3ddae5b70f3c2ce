public import ClusterPoolAuth
internal import ClusterPoolDomain
internal import ClusterPoolProto
public import ClusterPoolStore
public import Logging
public import RPCCore

/// Authentication on the server's port: `flyteidl2.auth.AuthMetadataService` (where the token
/// endpoint and keys are), `flyteidl2.auth.IdentityService/UserInfo` (who the bearer token
/// names), and the plain HTTP resources beside them: the OAuth2 token endpoint
/// (client-credentials), `/.well-known/oauth-authorization-server` (RFC 8414) and the JWKS.
/// It also sets the registry's `CallAuthenticator`: with `enforce` (`--auth on`) the
/// ``AccessGate`` (every method authenticated and authorized), else a ``BearerAuthenticator``
/// that checks `UserInfo`'s credential only.
///
/// With an OpenID Connect provider (`oidc`), its tokens are accepted for the store's users,
/// the metadata advertises its authorization and device authorization endpoints, our token
/// endpoint relays people's grants to it, and `GetPublicClientConfig` gives its public client
/// id, redirect URI, scopes and audience: the official CLI's Pkce and DeviceFlow go through it.
public struct AuthService: Sendable {
  public static let metadataServiceName = "flyteidl2.auth.AuthMetadataService"
  public static let identityServiceName = "flyteidl2.auth.IdentityService"
  /// The methods that need a verified caller when authorization is not enforced.
  public static let requiredPaths: Set<String> = ["/\(identityServiceName)/UserInfo"]

  /// Where clients reach the server.
  public struct Configuration: Sendable {
    /// `--public-url`, e.g. `https://pools.example.com`: the base of every advertised URL.
    /// `nil`: each answer uses the authority the client reached the server by.
    public var publicURL: String?
    /// Whether the port speaks TLS (the scheme of URLs made from the request's authority).
    public var tls: Bool
    /// `--auth on`: every call authenticated and authorized (needs the service's `access`).
    public var enforce: Bool

    public init(publicURL: String? = nil, tls: Bool, enforce: Bool = false) {
      self.publicURL = publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
      self.tls = tls
      self.enforce = enforce
    }
  }

  public let tokens: AccessTokens
  public let clients: any ClientCredentialVerifier
  /// Where UserInfo finds the caller's name and email (apps and users), when given.
  public let access: (any AccessStore)?
  public let configuration: Configuration
  /// The external OpenID Connect provider of people's tokens, loaded, if any.
  public let oidc: OIDCProvider?
  /// Told about every call authentication or authorization refused (`--auth on`), when given.
  public let audit: AuditRecorder?
  let logger: Logger

  public init(
    tokens: AccessTokens, clients: any ClientCredentialVerifier, access: (any AccessStore)? = nil,
    configuration: Configuration, oidc: OIDCProvider? = nil, audit: AuditRecorder? = nil, logger: Logger
  ) {
    self.audit = audit
    self.tokens = tokens
    self.clients = clients
    self.access = access
    self.configuration = configuration
    self.oidc = oidc
    self.logger = logger
  }

  /// The base URL of a request that reached the server at `authority`.
  func baseURL(authority: String?) -> String {
    if let publicURL = configuration.publicURL { return publicURL }
    return (configuration.tls ? "https://" : "http://") + (authority ?? "localhost")
  }

  func metadata(authority: String?) -> AuthorizationServerMetadata {
    let ours = AuthorizationServerMetadata(issuer: tokens.configuration.issuer, baseURL: baseURL(authority: authority))
    guard let oidc, let provider = oidc.metadata else { return ours }
    return ours.with(provider: provider, scopes: oidc.tokens.configuration.scopes)
  }

  /// Registers both services, the HTTP routes and the authenticator.
  public func register(in registry: MethodRegistry) {
    let service = self
    let bearer = BearerAuthenticator(
      tokens: tokens, apiKeys: clients as? any APIKeyVerifier, oidc: oidc?.tokens, people: access.map { StoreUserDirectory(store: $0) },
      required: Self.requiredPaths)
    if configuration.enforce {
      guard let access else { preconditionFailure("AuthService: enforcing access needs the access store") }
      registry.authenticate(with: AccessGate(bearer: bearer, store: access, audit: audit))
    } else {
      registry.authenticate(with: bearer)
    }
    var passOn: (@Sendable (HTTPRouteRequest) async -> WireResponse)?
    if let oidc { passOn = { request in await oidc.passOn(request) } }
    registry.register(TokenEndpoint(tokens: tokens, clients: clients, passOn: passOn, logger: logger).route)
    registry.register(HTTPRoute(path: AuthorizationServerMetadata.wellKnownPath, methods: ["GET"]) { request in
      HTTPRoute.json(service.metadata(authority: request.authority).json)
    })
    registry.register(HTTPRoute(path: AuthorizationServerMetadata.jwksPath, methods: ["GET"]) { _ in
      HTTPRoute.json(service.tokens.keyring.jwks(now: AccessTokens.systemClock()), fields: [("cache-control", "max-age=300")])
    })
    typealias Auth = Flyteidl2.Auth
    registry.inline(
      MethodDescriptor(service: Self.metadataServiceName, method: "GetOAuth2Metadata"),
      Auth.GetOAuth2MetadataRequest.self, Auth.GetOAuth2MetadataResponse.self
    ) { _, context in
      let metadata = service.metadata(authority: context.authority)
      var response = Auth.GetOAuth2MetadataResponse(
        issuer: metadata.issuer, tokenEndpoint: metadata.tokenEndpoint,
        responseTypesSupported: metadata.responseTypesSupported, scopesSupported: metadata.scopesSupported,
        tokenEndpointAuthMethodsSupported: metadata.tokenEndpointAuthMethodsSupported, jwksUri: metadata.jwksURI,
        grantTypesSupported: metadata.grantTypesSupported)
      response.authorizationEndpoint = metadata.authorizationEndpoint
      response.deviceAuthorizationEndpoint = metadata.deviceAuthorizationEndpoint
      response.codeChallengeMethodsSupported = metadata.codeChallengeMethodsSupported
      return response
    }
    registry.inline(
      MethodDescriptor(service: Self.metadataServiceName, method: "GetPublicClientConfig"),
      Auth.GetPublicClientConfigRequest.self, Auth.GetPublicClientConfigResponse.self
    ) { _, context in
      var response = Auth.GetPublicClientConfigResponse(
        scopes: ["all"], authorizationMetadataKey: "authorization",
        serviceHttpEndpoint: service.baseURL(authority: context.authority), audience: service.tokens.configuration.audience)
      if let provider = service.oidc?.tokens.configuration {
        (response.clientId, response.redirectUri) = (provider.clientID, provider.redirectURI)
        (response.scopes, response.audience) = (provider.scopes, provider.audience)
      }
      return response
    }
    registry.inline(
      MethodDescriptor(service: Self.identityServiceName, method: "UserInfo"),
      Auth.UserInfoRequest.self, Auth.UserInfoResponse.self
    ) { _, context in
      guard let caller = context.caller else {
        throw RPCError(code: .unauthenticated, message: "no credentials: send authorization: Bearer <token>")
      }
      return service.userInfo(caller)
    }
  }

  /// What UserInfo says of `caller`: its subject, organization and kind (`additional_claims`),
  /// and the name and email the store keeps of it.
  func userInfo(_ caller: CallCaller) -> Flyteidl2.Auth.UserInfoResponse {
    var info = Flyteidl2.Auth.UserInfoResponse(subject: caller.subject, name: caller.subject, preferredUsername: caller.subject)
    info.additionalClaims = Google.Protobuf.Struct(fields: [
      .init(key: "organization", value: .init(kind: .stringValue(caller.organization))),
      .init(key: "subject_kind", value: .init(kind: .stringValue(caller.kind.rawValue))),
    ])
    guard let access, let organization = try? Organization(validating: caller.organization) else { return info }
    let snapshot = access.snapshot()
    switch caller.kind {
    case .app:
      if let app = snapshot.app(organization, clientID: caller.subject), !app.registration.clientName.isEmpty {
        info.name = app.registration.clientName
      }
    case .user:
      if let user = snapshot.user(organization, subject: caller.subject) {
        let profile = user.profile
        let full = [profile.firstName, profile.lastName].filter { !$0.isEmpty }.joined(separator: " ")
        if !full.isEmpty { info.name = full }
        if !profile.userHandle.isEmpty { info.preferredUsername = profile.userHandle }
        (info.givenName, info.familyName, info.email) = (profile.firstName, profile.lastName, profile.email)
      }
    }
    return info
  }
}
