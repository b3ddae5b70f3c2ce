internal import Foundation

/// Settings given explicitly (the CLI's flags); each one set wins over the config file, the
/// environment and the default config file.
public struct ConnectionOverrides: Sendable, Hashable {
  /// `--endpoint`.
  public var endpoint: String?
  /// `--insecure` / `--no-insecure`.
  public var insecure: Bool?
  /// `--ca-cert`.
  public var caCertificatePath: String?
  /// `--config`: the config file to read instead of the default one; its settings beat the
  /// environment's.
  public var configPath: String?
  /// `--org`.
  public var organization: String?
  /// `--timeout`: the deadline of each call (`nil`: `ConnectionSettings.defaultCallTimeout`).
  public var callTimeout: Duration?
  /// `--min-revision`: every call needs at least this revision applied (a client raises it
  /// further as answers come; see ``ControlPlaneClient/highestRevision``).
  public var minRevision: UInt64?
  /// `--api-key`: an API key (`FLYTE_API_KEY`'s format); beats `FLYTE_API_KEY` and the config
  /// file's credentials.
  public var apiKey: String?
  /// `--allow-insecure-credentials`: send credentials over cleartext too
  /// (``ConnectionSettings/sendsCredentialsInCleartext``).
  public var allowInsecureCredentials: Bool?

  /// Creates overrides; `nil` leaves a setting to the config file and the environment.
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

  /// Environment variables read for each setting, the official CLI's name first (`FLYTE_` and
  /// the config key, upper-cased, dots as `_`), then this CLI's older short name.
  public static let environmentNames = (
    endpoint: ["FLYTE_ADMIN_ENDPOINT", "FLYTE_ENDPOINT"], insecure: ["FLYTE_ADMIN_INSECURE", "FLYTE_INSECURE"],
    caCert: ["FLYTE_ADMIN_CACERTFILEPATH", "FLYTE_CA_CERT"], organization: ["FLYTE_TASK_ORG", "FLYTE_ORG"]
  )

  /// Resolves the settings; for each one the first source that sets it wins:
  /// 1. `overrides` (the CLI's flags: `--endpoint`, `--insecure`, `--ca-cert`, `--org`);
  /// 2. the config file named by `overrides.configPath` (`--config`);
  /// 3. the environment: `FLYTE_ADMIN_ENDPOINT`, `FLYTE_ADMIN_INSECURE`,
  ///    `FLYTE_ADMIN_CACERTFILEPATH`, `FLYTE_TASK_ORG` (or `FLYTE_ENDPOINT`, `FLYTE_INSECURE`,
  ///    `FLYTE_CA_CERT`, `FLYTE_ORG`);
  /// 4. the default config file, found where the official CLI looks for it: `./config.yaml`, `./.flyte/config.yaml`, the git root's `.flyte/config.yaml`,
  ///    `$UCTL_CONFIG`, `$FLYTECTL_CONFIG`, `~/.union/config.yaml`, `~/.flyte/config.yaml`);
  /// 5. defaults: `localhost:8089` in cleartext; the organization derived from the endpoint as
  ///    the official client derives it (``organization(derivedFrom:)``: `127` for
  ///    `dns:///127.0.0.1:8089`), else the server's default.
  ///
  /// An API key (`--api-key`, else `FLYTE_API_KEY`) is the credentials, and, as with the
  /// official client, its endpoint and organization come right after `--endpoint` and `--org`
  /// (before the config file's and the environment's). Without one, the config file's
  /// `admin.authType` gives the credentials (``FlyteConfigFile/credentials(environment:)``).
  ///
  /// Config files give `admin.endpoint`, `admin.insecure`, `admin.caCertFilePath`, the
  /// credentials keys and `task.org`. A config file that was named but is missing, or that is not valid, is an
  /// error naming it. `environment` defaults to the process's, `currentDirectory` to its own.
  public static func resolve(
    _ overrides: ConnectionOverrides = .init(),
    environment: [String: String]? = nil,
    currentDirectory: String? = nil
  ) throws(ConfigurationError) -> ConnectionSettings {
    let environment = environment ?? ProcessInfo.processInfo.environment
    let explicit = try overrides.configPath.map { path throws(ConfigurationError) in
      try FlyteConfigFile.load(path: FlyteConfigFile.expand(path, environment))
    }
    let fallback =
      explicit != nil
      ? nil
      : try FlyteConfigFile.discover(
        environment: environment, currentDirectory: currentDirectory ?? FileManager.default.currentDirectoryPath)
    let env = { (names: [String]) -> (String, String)? in
      for name in names {
        if let value = environment[name]?.trimmingWhitespace(), !value.isEmpty { return (value, name) }
      }
      return nil
    }
    func from<T>(_ file: FlyteConfigFile?, _ key: KeyPath<FlyteConfigFile, T?>, _ name: String) -> (T, String)? {
      file.flatMap { file in file[keyPath: key].map { ($0, "\(name) in \(file.path)") } }
    }

    let keyChoice = overrides.apiKey.map { ($0, "--api-key") } ?? env(["FLYTE_API_KEY"])
    let apiKey = try keyChoice.map { choice throws(ConfigurationError) in try FlyteAPIKey(parsing: choice.0, origin: choice.1) }
    let keyOrigin = keyChoice?.1 ?? ""
    let endpointChoice = first(
      [
        overrides.endpoint.map { ($0, "--endpoint") },
        apiKey.flatMap { $0.endpoint.isEmpty ? nil : ($0.endpoint, "the endpoint of \(keyOrigin)") },
        from(explicit, \.endpoint, "admin.endpoint"),
        env(environmentNames.endpoint), from(fallback, \.endpoint, "admin.endpoint"),
      ])
    let (endpointText, source) = endpointChoice ?? (defaultEndpoint, "the default \(defaultEndpoint)")
    let endpoint = try Endpoint(parsing: endpointText, origin: source)

    var envInsecure: (Bool, String)?
    if let (text, name) = env(environmentNames.insecure) {
      guard let value = parseBool(text) else {
        throw ConfigurationError("\(name) must be true or false, not \"\(text)\"")
      }
      envInsecure = (value, name)
    }
    let insecure = first(
      [
        overrides.insecure.map { ($0, "--insecure") }, from(explicit, \.insecure, "admin.insecure"), envInsecure,
        from(fallback, \.insecure, "admin.insecure"),
      ])?.0
    let caCert = first(
      [
        overrides.caCertificatePath.map { ($0, "--ca-cert") }, from(explicit, \.caCertFilePath, "admin.caCertFilePath"),
        env(environmentNames.caCert), from(fallback, \.caCertFilePath, "admin.caCertFilePath"),
      ])?.0
    if let caCert, !FileManager.default.fileExists(atPath: caCert) {
      throw ConfigurationError("CA certificate file \(caCert) does not exist")
    }
    let organization = first(
      [
        overrides.organization.map { ($0, "--org") }, apiKey?.organization.map { ($0, keyOrigin) },
        from(explicit, \.organization, "task.org"),
        env(environmentNames.organization), from(fallback, \.organization, "task.org"),
      ])?.0
    var credentials = apiKey.map { ClientCredentials.apiKey($0, source: keyOrigin) }
    if credentials == nil, let file = explicit ?? fallback { credentials = try file.credentials(environment: environment) }
    var settings = ConnectionSettings(
      endpoint: endpoint,
      insecure: insecure ?? (endpointChoice == nil ? true : endpoint.impliesInsecure ?? false),
      caCertificatePath: caCert,
      organization: organization ?? endpointChoice.flatMap { Self.organization(derivedFrom: $0.0) } ?? "",
      callTimeout: overrides.callTimeout ?? defaultCallTimeout, endpointSource: source)
    settings.credentials = credentials
    settings.sendsCredentialsInCleartext = overrides.allowInsecureCredentials ?? false
    return settings
  }

  private static func first<T>(_ candidates: [(T, String)?]) -> (T, String)? {
    candidates.lazy.compactMap { $0 }.first
  }

  private static func parseBool(_ text: String) -> Bool? {
    switch text.lowercased() {
    case "1", "true", "yes", "on": true
    case "0", "false", "no", "off": false
    default: nil
    }
  }
}
