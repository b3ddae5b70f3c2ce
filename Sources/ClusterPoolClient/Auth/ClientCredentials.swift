/// A secret (a client secret, an access token) that prints as `<hidden>`: errors, logs and
/// `-v` output can name the credential without showing it.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
  /// The secret itself: send it, never print it.
  public let revealed: String

  /// Wraps `value`.
  public init(_ value: String) { self.revealed = value }

  public var description: String { "<hidden>" }
  public var debugDescription: String { "<hidden>" }

  /// `text` with every occurrence of this secret replaced by `<hidden>` (for messages that
  /// quote something a server or a command said).
  public func masked(in text: String) -> String {
    revealed.count < 4 ? text : text.replacingOccurrences(of: revealed, with: "<hidden>")
  }
}

/// How the client authenticates its calls: the official client's `ClientSecret` mode (an API
/// key, or `admin.clientId` with a secret: access tokens from the server's token endpoint by
/// the OAuth2 client-credentials grant) or its `ExternalCommand` mode (a command whose
/// trimmed standard output is the bearer token).
///
/// `description` names the credential and where it came from, never the secret:
/// `client ci (FLYTE_API_KEY)`.
public struct ClientCredentials: Sendable, Hashable, CustomStringConvertible {
  /// The kinds of credential.
  public enum Kind: Sendable, Hashable {
    /// OAuth2 client credentials, exchanged for access tokens at the token endpoint the
    /// server advertises (`AuthMetadataService.GetOAuth2Metadata`).
    case clientSecret(clientID: String, secret: Secret)
    /// A command (argv) printing a bearer token; run again when the server refuses it.
    case externalCommand([String])
  }

  /// The credential.
  public var kind: Kind
  /// Where it came from, for messages: `FLYTE_API_KEY`, `--api-key`, `admin.clientId in FILE`.
  public var source: String

  /// Creates credentials.
  public init(_ kind: Kind, source: String = "code") {
    self.kind = kind
    self.source = source
  }

  /// Client credentials `clientID` and `secret`.
  public static func clientSecret(_ clientID: String, _ secret: String, source: String = "code") -> ClientCredentials {
    ClientCredentials(.clientSecret(clientID: clientID, secret: Secret(secret)), source: source)
  }

  /// The API key `key` (`FLYTE_API_KEY`'s format) as client credentials.
  public static func apiKey(_ key: FlyteAPIKey, source: String) -> ClientCredentials {
    ClientCredentials(.clientSecret(clientID: key.clientID, secret: key.secret), source: source)
  }

  /// The secret to keep out of messages, when there is one.
  var secret: Secret? {
    if case .clientSecret(_, let secret) = kind { return secret }
    return nil
  }

  public var description: String {
    switch kind {
    case .clientSecret(let clientID, _): "client \(clientID) (\(source))"
    case .externalCommand(let argv): "the token of command \(argv.first ?? "") (\(source))"
    }
  }
}
