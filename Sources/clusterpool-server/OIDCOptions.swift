import ArgumentParser
import ClusterPoolAuth
import ClusterPoolServer
import Logging

/// Flags of the external OpenID Connect provider whose tokens name people.
struct OIDCOptions: ParsableArguments {
  @Option(
    help: """
      Accept the JWTs of this OpenID Connect provider for the store's users (sub, then email, \
      names the user), and advertise its authorization and device endpoints for the official \
      CLI's Pkce and DeviceFlow. Its discovery document (ISSUER/.well-known/openid-configuration) \
      and keys are fetched at start: a failure stops the start.
      """)
  var oidcIssuer: String?

  @Option(help: "The audience the provider's tokens must name (aud); required with --oidc-issuer.")
  var oidcAudience: String?

  @Option(
    help: """
      The provider's JWK Set: a file (read again at each refresh) or an http(s) URL. Default: \
      the discovery document's jwks_uri.
      """)
  var oidcJwks: String?

  @Option(help: "The public client id the official CLI uses with the provider (Pkce, DeviceFlow).")
  var oidcClientId = ""

  @Option(help: "The redirect URI given to Pkce clients.")
  var oidcRedirectUri = "http://localhost:53593/callback"

  @Option(help: "The scopes clients ask the provider for, separated by spaces or commas.")
  var oidcScopes = "openid email offline_access"

  @Option(help: "CA certificates (PEM) trusted for the provider's https URLs instead of the system's.")
  var oidcCaFile: String?

  @Option(help: "Seconds between fetches of the provider's keys (also fetched when a token names an unknown key id).")
  var oidcJwksRefreshInterval = 3600

  func validate() throws {
    guard let oidcIssuer else {
      let given = [oidcAudience.map { _ in "--oidc-audience" }, oidcJwks.map { _ in "--oidc-jwks" }, oidcCaFile.map { _ in "--oidc-ca-file" }]
        .compactMap { $0 }
      guard given.isEmpty else { throw ValidationError("\(given.joined(separator: ", ")) \(given.count == 1 ? "needs" : "need") --oidc-issuer") }
      return
    }
    guard oidcIssuer.hasPrefix("https://") || oidcIssuer.hasPrefix("http://") else {
      throw ValidationError("--oidc-issuer must be an https:// (or http://) URL")
    }
    guard let oidcAudience, !oidcAudience.isEmpty else { throw ValidationError("--oidc-issuer needs --oidc-audience") }
    guard oidcJwksRefreshInterval > 0 else { throw ValidationError("--oidc-jwks-refresh-interval must be positive") }
    guard !scopes.isEmpty else { throw ValidationError("--oidc-scopes names no scope") }
  }

  var scopes: [String] { oidcScopes.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init) }

  /// The provider, its documents not fetched yet; nil without --oidc-issuer.
  func provider(logger: Logger) throws -> OIDCProvider? {
    guard let oidcIssuer, let oidcAudience else { return nil }
    let configuration = OIDCConfiguration(
      issuer: oidcIssuer, audience: oidcAudience, clientID: oidcClientId, redirectURI: oidcRedirectUri, scopes: scopes)
    let source: OIDCProvider.KeySource =
      switch oidcJwks {
      case nil: .discovered
      case let jwks? where jwks.hasPrefix("https://") || jwks.hasPrefix("http://"): .url(jwks)
      case let jwks?: .file(jwks)
      }
    return try OIDCProvider(
      configuration: configuration, keySource: source, caFile: oidcCaFile,
      refreshInterval: .seconds(oidcJwksRefreshInterval), logger: logger)
  }
}
