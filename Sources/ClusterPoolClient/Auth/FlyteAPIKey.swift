internal import Foundation

/// An API key as `flyte create api-key` prints it and `FLYTE_API_KEY` carries it:
/// `base64("endpoint:client_id:client_secret:org")`.
///
/// Read from the right: the last three colon-separated fields are the client id, the secret
/// and the organization (none of them holds a colon), and everything before them is the
/// endpoint, so `dns:///host:8089`, `host:443` or `https://host:443` parse (the official client
/// splits on the first three colons and breaks on a port). Accepted variants: standard or URL-safe
/// base64, with or without padding, surrounding whitespace (a key pasted with its newline); an
/// empty endpoint (the configured one is used); an organization that is empty or `None` (the
/// official client's spelling of none).
public struct FlyteAPIKey: Sendable, Hashable, CustomStringConvertible {
  /// The endpoint the key names (may be empty, or lack a port).
  public var endpoint: String
  /// The app's client id.
  public var clientID: String
  /// The app's secret.
  public var secret: Secret
  /// The organization, `nil` for none.
  public var organization: String?

  /// Creates a key.
  public init(endpoint: String, clientID: String, secret: String, organization: String?) {
    self.endpoint = endpoint
    self.clientID = clientID
    self.secret = Secret(secret)
    self.organization = organization
  }

  /// Parses `text`; the error names `origin` (`FLYTE_API_KEY`, `--api-key`) and never quotes
  /// the key.
  public init(parsing text: String, origin: String) throws(ConfigurationError) {
    func bad(_ why: String) -> ConfigurationError {
      ConfigurationError(
        "\(origin) is not an API key: \(why); expected base64 of endpoint:client_id:client_secret:org, "
          + "as flyte create api-key prints it")
    }
    var encoded = text.trimmingWhitespace().replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    guard !encoded.isEmpty else { throw bad("it is empty") }
    if encoded.count % 4 != 0 { encoded += String(repeating: "=", count: 4 - encoded.count % 4) }
    guard encoded.count <= 8192, let data = Data(base64Encoded: encoded) else { throw bad("it is not base64") }
    guard let decoded = String(data: data, encoding: .utf8), !decoded.contains(where: { $0.isNewline || $0 == "\0" }) else {
      throw bad("it does not decode to text")
    }
    let fields = decoded.split(separator: ":", omittingEmptySubsequences: false)
    guard fields.count >= 4 else { throw bad("it decodes to \(fields.count) colon-separated fields, not 4") }
    let tail = fields.suffix(3).map { $0.trimmingWhitespace() }
    guard !tail[0].isEmpty else { throw bad("its client id is empty") }
    guard !tail[1].isEmpty else { throw bad("its client secret is empty") }
    let organization = tail[2].isEmpty || tail[2] == "None" ? nil : tail[2]
    self.init(
      endpoint: fields.dropLast(3).joined(separator: ":").trimmingWhitespace(), clientID: tail[0], secret: tail[1],
      organization: organization)
  }

  /// `FLYTE_API_KEY`'s text for this key.
  public var encoded: String {
    Data("\(endpoint):\(clientID):\(secret.revealed):\(organization ?? "None")".utf8).base64EncodedString()
  }

  public var description: String { "API key of client \(clientID)" + (organization.map { " in \($0)" } ?? "") }
}
