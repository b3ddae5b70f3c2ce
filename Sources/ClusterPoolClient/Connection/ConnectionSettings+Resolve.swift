internal import Foundation

/// Settings given explicitly (the CLI's flags); each one set wins over the environment and
/// the config file.
public struct ConnectionOverrides: Sendable, Hashable {
  /// `--endpoint`.
  public var endpoint: String?
  /// `--insecure` / `--no-insecure`.
  public var insecure: Bool?
  /// `--ca-cert`.
  public var caCertificatePath: String?
  /// `--config`: the config file to read instead of `FLYTECTL_CONFIG` or `~/.flyte/config.yaml`.
  public var configPath: String?
  /// `--org`.
  public var organization: String?
  /// `--timeout`: the deadline of each call (`nil`: `ConnectionSettings.defaultCallTimeout`).
  public var callTimeout: Duration?

  /// Creates overrides; `nil` leaves a setting to the environment and config file.
  public init(
    endpoint: String? = nil, insecure: Bool? = nil, caCertificatePath: String? = nil, configPath: String? = nil,
    organization: String? = nil, callTimeout: Duration? = nil
  ) {
    self.endpoint = endpoint
    self.insecure = insecure
    self.caCertificatePath = caCertificatePath
    self.configPath = configPath
    self.organization = organization
    self.callTimeout = callTimeout
  }
}

extension ConnectionSettings {
  /// The default endpoint when nothing else names one: a local development server.
  public static let defaultEndpoint = "localhost:8089"

  /// Resolves the settings, first match winning:
  /// 1. `overrides` (the CLI's flags);
  /// 2. environment: `FLYTE_ENDPOINT`, `FLYTE_INSECURE`, `FLYTE_CA_CERT`, `FLYTE_ORG`;
  /// 3. the config file: `overrides.configPath`, else `$FLYTECTL_CONFIG`, else
  ///    `~/.flyte/config.yaml` if it exists (`admin.endpoint`, `admin.insecure`,
  ///    `admin.caCertFilePath`, `task.org`);
  /// 4. defaults: `localhost:8089`, cleartext (a local development server), server's organization.
  ///
  /// A config file that was named but is missing, or that is not valid, is an error naming it.
  /// `environment` defaults to the process's.
  public static func resolve(
    _ overrides: ConnectionOverrides = .init(),
    environment: [String: String]? = nil
  ) throws(ConfigurationError) -> ConnectionSettings {
    let environment = environment ?? ProcessInfo.processInfo.environment
    let file = try configFile(overrides, environment)
    let env = { (key: String) -> String? in
      environment[key].map { $0.trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 }
    }
    var source = "the default \(defaultEndpoint)"
    var endpointText = defaultEndpoint
    var insecure: Bool?
    if let text = overrides.endpoint {
      (endpointText, source) = (text, "--endpoint")
    } else if let text = env("FLYTE_ENDPOINT") {
      (endpointText, source) = (text, "FLYTE_ENDPOINT")
    } else if let text = file?.endpoint {
      (endpointText, source) = (text, "admin.endpoint in \(file!.path)")
    } else if file == nil {
      insecure = true  // the local development default
    }
    let endpoint = try Endpoint(parsing: endpointText, origin: source)

    if let value = overrides.insecure {
      insecure = value
    } else if let text = env("FLYTE_INSECURE") {
      guard let value = parseBool(text) else {
        throw ConfigurationError("FLYTE_INSECURE must be true or false, not \"\(text)\"")
      }
      insecure = value
    } else if let value = file?.insecure {
      insecure = value
    }
    let caCert = overrides.caCertificatePath ?? env("FLYTE_CA_CERT") ?? file?.caCertFilePath
    if let caCert, !FileManager.default.fileExists(atPath: caCert) {
      throw ConfigurationError("CA certificate file \(caCert) does not exist")
    }
    return ConnectionSettings(
      endpoint: endpoint, insecure: insecure ?? endpoint.impliesInsecure ?? false, caCertificatePath: caCert,
      organization: overrides.organization ?? env("FLYTE_ORG") ?? file?.organization ?? "",
      callTimeout: overrides.callTimeout ?? defaultCallTimeout, endpointSource: source)
  }

  /// The config file to read, if any: a named one must exist, the default one may not.
  private static func configFile(
    _ overrides: ConnectionOverrides, _ environment: [String: String]
  ) throws(ConfigurationError) -> FlyteConfigFile? {
    if let path = overrides.configPath { return try FlyteConfigFile.load(path: expand(path, environment)) }
    if let path = environment["FLYTECTL_CONFIG"], !path.isEmpty {
      return try FlyteConfigFile.load(path: expand(path, environment))
    }
    guard let home = environment["HOME"] ?? Optional(NSHomeDirectory()), !home.isEmpty else { return nil }
    let path = (home as NSString).appendingPathComponent(".flyte/config.yaml")
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    return try FlyteConfigFile.load(path: path)
  }

  private static func expand(_ path: String, _ environment: [String: String]) -> String {
    guard path == "~" || path.hasPrefix("~/"), let home = environment["HOME"] else { return path }
    return home + path.dropFirst()
  }

  private static func parseBool(_ text: String) -> Bool? {
    switch text.lowercased() {
    case "1", "true", "yes", "on": true
    case "0", "false", "no", "off": false
    default: nil
    }
  }
}
