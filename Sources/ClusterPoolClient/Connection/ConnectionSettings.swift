public import RPCHTTP2

/// Where and how the client reaches the control plane, and as which organization.
///
/// `resolve(_:environment:)` reads them the way the `flyte` CLI does, so a program using the
/// library and the CLI share one configuration.
public struct ConnectionSettings: Sendable, Hashable {
  /// The server's address.
  public var endpoint: Endpoint
  /// `true` for cleartext HTTP/2 (h2c), `false` for TLS.
  public var insecure: Bool
  /// PEM file of CA certificates to trust for TLS; `nil` uses the system roots.
  public var caCertificatePath: String?
  /// The organization sent in every identifier; empty means the server's default.
  public var organization: String
  /// Deadline of each call; `nil` waits forever. Default `defaultCallTimeout` (30 s).
  public var callTimeout: Duration?
  /// Where the endpoint came from (`--endpoint`, `FLYTE_ENDPOINT`, a config file, the
  /// default), for messages.
  public var endpointSource: String
  /// How calls authenticate; `nil` sends no credentials.
  public var credentials: ClientCredentials?
  /// Send credentials over a cleartext connection too (where TLS ends in front of the
  /// server). Default `false`: like the official client with `admin.insecure: true`, a
  /// cleartext client sends none, and a server that wants them answers `UNAUTHENTICATED`
  /// with a message saying so.
  public var sendsCredentialsInCleartext = false

  /// Creates settings.
  public init(
    endpoint: Endpoint, insecure: Bool, caCertificatePath: String? = nil, organization: String = "",
    callTimeout: Duration? = defaultCallTimeout, endpointSource: String = "settings"
  ) {
    self.endpoint = endpoint
    self.insecure = insecure
    self.caCertificatePath = caCertificatePath
    self.organization = organization
    self.callTimeout = callTimeout
    self.endpointSource = endpointSource
  }

  /// Whether calls carry ``credentials``: there are some, and the connection is TLS or
  /// ``sendsCredentialsInCleartext`` allows cleartext.
  public var sendsCredentials: Bool { credentials != nil && (!insecure || sendsCredentialsInCleartext) }

  /// The deadline of a call unless one is set: 30 s, long enough for any request the control
  /// plane answers (its calls take milliseconds) on a slow link, short enough for a script.
  public static let defaultCallTimeout: Duration = .seconds(30)

  /// Settings for a server at `host:port` (cleartext unless `insecure` is `false`).
  public static func server(host: String, port: Int, insecure: Bool = true, organization: String = "") -> ConnectionSettings {
    ConnectionSettings(
      endpoint: Endpoint(host: host, port: port), insecure: insecure, organization: organization,
      endpointSource: "code")
  }

  /// The transport configuration for these settings.
  public var clientConfiguration: ClientConfiguration {
    ClientConfiguration(
      host: endpoint.host, port: endpoint.port(insecure: insecure),
      tls: insecure ? nil : .init(caCertificatePath: caCertificatePath))
  }

  /// `host:port` as dialled.
  public var target: String {
    Endpoint(host: endpoint.host, port: endpoint.port(insecure: insecure)).description
  }

  /// What to tell someone whose server cannot be reached.
  public var connectionHint: String {
    """
    No control plane answered at \(target) (\(insecure ? "cleartext" : "TLS"), endpoint from \(endpointSource)). \
    Point the client at a server with --endpoint HOST:PORT (add --insecure for a cleartext server), \
    the FLYTECTL_CONFIG environment variable naming a config file, \
    or admin.endpoint (and admin.insecure) in ~/.flyte/config.yaml\
    \(insecure ? "" : "; trust a private CA with --ca-cert or admin.caCertFilePath").
    """
  }
}
