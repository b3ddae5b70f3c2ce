public import RPCCore

/// What the server reads of a provider's discovery document: where its keys are and the
/// endpoints the official CLI's Pkce and DeviceFlow use.
public struct OIDCProviderMetadata: Sendable, Hashable {
  public var issuer: String
  public var jwksURI: String
  public var authorizationEndpoint: String
  public var tokenEndpoint: String
  /// RFC 8628's endpoint; empty when the provider has none (no DeviceFlow then).
  public var deviceAuthorizationEndpoint: String

  public init(issuer: String, jwksURI: String, authorizationEndpoint: String, tokenEndpoint: String, deviceAuthorizationEndpoint: String = "") {
    self.issuer = issuer
    self.jwksURI = jwksURI
    self.authorizationEndpoint = authorizationEndpoint
    self.tokenEndpoint = tokenEndpoint
    self.deviceAuthorizationEndpoint = deviceAuthorizationEndpoint
  }

  /// Reads a discovery document; its `issuer` must be `expectedIssuer` (section 4.3: a
  /// document of another issuer is not this provider's).
  public init(discovery bytes: some Collection<UInt8>, expectedIssuer: String) throws(JSONWebKeySetError) {
    guard let document = try? JSONValue(parsing: bytes), case .object = document else {
      throw JSONWebKeySetError("the discovery document is not a JSON object")
    }
    func string(_ name: String, required: Bool) throws(JSONWebKeySetError) -> String {
      guard let value = document[name] else {
        if required { throw JSONWebKeySetError("the discovery document has no \(name)") }
        return ""
      }
      guard let text = value.stringValue else { throw JSONWebKeySetError("the discovery document's \(name) is not a string") }
      return text
    }
    issuer = try string("issuer", required: true)
    guard issuer == expectedIssuer else {
      throw JSONWebKeySetError("the discovery document's issuer \(issuer.prefix(200)) is not --oidc-issuer \(expectedIssuer)")
    }
    jwksURI = try string("jwks_uri", required: false)
    authorizationEndpoint = try string("authorization_endpoint", required: false)
    tokenEndpoint = try string("token_endpoint", required: false)
    deviceAuthorizationEndpoint = try string("device_authorization_endpoint", required: false)
  }
}
