internal import Foundation

/// An API key as the official client carries it (`FLYTE_API_KEY`, or a bearer token printed
/// by an `ExternalCommand`): `base64("endpoint:client_id:client_secret:org")`. Read from the
/// right, so an endpoint holding colons (`dns:///host:443`) still parses: client ids, secrets
/// and organizations hold none.
public struct APIKey: Sendable, Hashable {
  public var endpoint: String
  public var clientID: String
  public var secret: String
  /// The organization the key names; `None` or empty for none.
  public var organization: String

  /// The key `text` encodes, `nil` when it is not one.
  public init?(_ text: String) {
    guard text.utf8.count <= 4096, let data = Data(base64Encoded: text), let decoded = String(data: data, encoding: .utf8) else {
      return nil
    }
    let parts = decoded.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count >= 4 else { return nil }
    let tail = parts.suffix(3).map(String.init)
    guard !tail[0].isEmpty, !tail[1].isEmpty else { return nil }
    endpoint = parts.dropLast(3).joined(separator: ":")
    (clientID, secret, organization) = (tail[0], tail[1], tail[2])
  }
}

/// Checks an API key sent directly as a bearer token, on the call's event loop: the identity
/// store's apps (their secret digests are in memory). Implemented with the token endpoint's
/// `ClientCredentialVerifier` by the server.
public protocol APIKeyVerifier: Sendable {
  /// The app the client id and secret belong to, or why not (`.invalidClient`).
  func authenticateAPIKey(clientID: String, secret: String) throws(AuthenticationFailure) -> AuthenticatedCaller

  /// Whether the app a token names still exists: deleting an API key revokes the tokens it got.
  func appExists(organization: String, clientID: String) -> Bool
}
