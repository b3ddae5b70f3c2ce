import ClusterPoolClient
import Foundation
import Testing

/// Resolution of the connection settings from flags, environment and the official CLI's
/// config file, with real files in a temporary HOME.
@Suite struct ConnectionSettingsTests {
  @Test func readsTheDefaultConfigFileUnderHome() throws {
    let home = try TemporaryDirectory()
    defer { home.remove() }
    try home.write(".flyte/config.yaml", """
      admin:
        # the sandbox's control plane
        endpoint: dns:///localhost:30080
        insecure: true
        authType: Pkce
      logger:
        level: 0
      task:
        org: acme
      """)
    let settings = try ConnectionSettings.resolve(environment: ["HOME": home.path])
    #expect(settings.endpoint == Endpoint(host: "localhost", port: 30080))
    #expect(settings.insecure)
    #expect(settings.organization == "acme")
    #expect(settings.target == "localhost:30080")
    #expect(settings.endpointSource.contains(".flyte/config.yaml"))
  }

  @Test func withoutAnyConfigTheLocalDevelopmentServerIsTheDefault() throws {
    let home = try TemporaryDirectory()
    defer { home.remove() }
    let settings = try ConnectionSettings.resolve(environment: ["HOME": home.path])
    #expect(settings.target == "localhost:8089")
    #expect(settings.insecure)
    #expect(settings.organization == "")
  }

  @Test func flagsBeatEnvironmentWhichBeatsTheFile() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let file = try dir.write("config.yaml", "admin:\n  endpoint: file-host:1\n  insecure: false\n")
    let env = ["HOME": dir.path, "FLYTECTL_CONFIG": file]
    #expect(try ConnectionSettings.resolve(environment: env).target == "file-host:1")
    #expect(try ConnectionSettings.resolve(environment: env).insecure == false)

    var withEnv = env
    withEnv["FLYTE_ENDPOINT"] = "env-host:2"
    withEnv["FLYTE_INSECURE"] = "true"
    let fromEnv = try ConnectionSettings.resolve(environment: withEnv)
    #expect(fromEnv.target == "env-host:2")
    #expect(fromEnv.insecure)
    #expect(fromEnv.endpointSource == "FLYTE_ENDPOINT")

    let fromFlags = try ConnectionSettings.resolve(
      ConnectionOverrides(endpoint: "flag-host:3", insecure: false, organization: "org-x"), environment: withEnv)
    #expect(fromFlags.target == "flag-host:3")
    #expect(fromFlags.insecure == false)
    #expect(fromFlags.organization == "org-x")
    #expect(fromFlags.endpointSource == "--endpoint")
  }

  @Test func configFlagBeatsFlytectlConfig() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let a = try dir.write("a.yaml", "admin:\n  endpoint: a-host:1\n  insecure: true\n")
    let b = try dir.write("b.yaml", "admin:\n  endpoint: b-host:2\n  insecure: true\n")
    let settings = try ConnectionSettings.resolve(ConnectionOverrides(configPath: b), environment: ["FLYTECTL_CONFIG": a])
    #expect(settings.target == "b-host:2")
  }

  @Test func caCertPathIsTakenFromTheFilesFolder() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let ca = try dir.write("certs/ca.pem", "not checked here\n")
    let file = try dir.write("config.yaml", "admin:\n  endpoint: dns:///secure.example.com\n  caCertFilePath: certs/ca.pem\n")
    let settings = try ConnectionSettings.resolve(environment: ["FLYTECTL_CONFIG": file])
    #expect(settings.caCertificatePath == ca)
    #expect(settings.insecure == false)
    #expect(settings.target == "secure.example.com:443")
    #expect(settings.clientConfiguration.tls?.caCertificatePath == ca)
  }

  @Test func aNamedConfigFileThatIsMissingIsAnErrorNamingIt() {
    expectConfigurationError(containing: "/no/such/config.yaml") {
      try ConnectionSettings.resolve(environment: ["FLYTECTL_CONFIG": "/no/such/config.yaml"])
    }
    expectConfigurationError(containing: "/no/such/other.yaml") {
      try ConnectionSettings.resolve(ConnectionOverrides(configPath: "/no/such/other.yaml"), environment: [:])
    }
  }

  @Test func anInvalidConfigFileIsAnErrorNamingIt() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let broken = try dir.write("broken.yaml", "admin:\n  endpoint: [unclosed\n")
    expectConfigurationError(containing: broken) {
      try ConnectionSettings.resolve(environment: ["FLYTECTL_CONFIG": broken])
    }
    let wrongType = try dir.write("wrong.yaml", "admin:\n  insecure: maybe\n")
    expectConfigurationError(containing: "admin.insecure") {
      try ConnectionSettings.resolve(environment: ["FLYTECTL_CONFIG": wrongType])
    }
    let badEndpoint = try dir.write("endpoint.yaml", "admin:\n  endpoint: unix:///tmp/x\n")
    expectConfigurationError(containing: "admin.endpoint in \(badEndpoint)") {
      try ConnectionSettings.resolve(environment: ["FLYTECTL_CONFIG": badEndpoint])
    }
    let notMapping = try dir.write("list.yaml", "- admin\n")
    expectConfigurationError(containing: notMapping) {
      try ConnectionSettings.resolve(environment: ["FLYTECTL_CONFIG": notMapping])
    }
  }

  @Test func anEmptyConfigFileMeansDefaults() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let file = try dir.write("empty.yaml", "# nothing yet\n")
    let settings = try ConnectionSettings.resolve(ConnectionOverrides(endpoint: "h:1", insecure: true), environment: ["FLYTECTL_CONFIG": file])
    #expect(settings.target == "h:1")
  }

  @Test func aMissingCACertificateIsReported() {
    expectConfigurationError(containing: "/no/ca.pem") {
      try ConnectionSettings.resolve(ConnectionOverrides(endpoint: "h:1", caCertificatePath: "/no/ca.pem"), environment: [:])
    }
  }

  // MARK: the resolution table: every source against every other

  /// Where a setting can come from, highest precedence first.
  enum Source: String, CaseIterable, CustomStringConvertible {
    case flag, explicitConfig, environment, defaultConfig
    var description: String { rawValue }
  }

  /// A setting and how each source spells a value of it.
  enum Setting: String, CaseIterable, CustomStringConvertible {
    case endpoint, insecure, caCert, organization
    var description: String { rawValue }
  }

  /// One resolution with `values` (setting -> source -> value index) in a fresh HOME.
  struct Scenario {
    let dir: TemporaryDirectory
    var overrides = ConnectionOverrides()
    var environment: [String: String]
    var explicit: [String: [String: String]] = [:]  // section -> key -> value
    var fallback: [String: [String: String]] = [:]

    init(_ dir: TemporaryDirectory) {
      self.dir = dir
      environment = ["HOME": dir.path + "/home"]
    }

    /// The value number `n` of `setting` as `source` gives it.
    mutating func set(_ setting: Setting, from source: Source, _ n: Int) throws {
      let ca = try dir.write("ca-\(n).pem", "not checked here\n")
      let (section, key, envName, text): (String, String, String, String) =
        switch setting {
        case .endpoint: ("admin", "endpoint", "FLYTE_ADMIN_ENDPOINT", "host-\(n):\(1000 + n)")
        case .insecure: ("admin", "insecure", "FLYTE_ADMIN_INSECURE", n % 2 == 0 ? "true" : "false")
        case .caCert: ("admin", "caCertFilePath", "FLYTE_ADMIN_CACERTFILEPATH", ca)
        case .organization: ("task", "org", "FLYTE_TASK_ORG", "org-\(n)")
        }
      switch source {
      case .flag:
        switch setting {
        case .endpoint: overrides.endpoint = text
        case .insecure: overrides.insecure = text == "true"
        case .caCert: overrides.caCertificatePath = text
        case .organization: overrides.organization = text
        }
      case .environment: environment[envName] = text
      case .explicitConfig: explicit[section, default: [:]][key] = text
      case .defaultConfig: fallback[section, default: [:]][key] = text
      }
    }

    func resolve() throws -> ConnectionSettings {
      func yaml(_ sections: [String: [String: String]]) -> String {
        sections.sorted { $0.key < $1.key }.map { section, keys in
          "\(section):\n" + keys.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)\n" }.joined()
        }.joined()
      }
      var overrides = self.overrides
      if !explicit.isEmpty { overrides.configPath = try dir.write("explicit.yaml", yaml(explicit)) }
      try? FileManager.default.removeItem(atPath: dir.path + "/home/.flyte/config.yaml")
      if !fallback.isEmpty { try dir.write("home/.flyte/config.yaml", yaml(fallback)) }
      try FileManager.default.createDirectory(atPath: dir.path + "/cwd", withIntermediateDirectories: true)
      return try ConnectionSettings.resolve(overrides, environment: environment, currentDirectory: dir.path + "/cwd")
    }
  }

  /// The value number `n` of `setting` as resolved settings show it.
  static func expected(_ setting: Setting, _ n: Int, in dir: TemporaryDirectory) -> String {
    switch setting {
    case .endpoint: "host-\(n):\(1000 + n)"
    case .insecure: n % 2 == 0 ? "true" : "false"
    case .caCert: dir.path + "/ca-\(n).pem"
    case .organization: "org-\(n)"
    }
  }

  static func shown(_ setting: Setting, _ settings: ConnectionSettings) -> String {
    switch setting {
    case .endpoint: settings.target
    case .insecure: String(settings.insecure)
    case .caCert: settings.caCertificatePath ?? "-"
    case .organization: settings.organization
    }
  }

  static let pairs: [(Source, Source)] = Source.allCases.enumerated().flatMap { i, higher in
    Source.allCases.dropFirst(i + 1).map { (higher, $0) }
  }

  @Test(arguments: Setting.allCases, pairs)
  func theHigherSourceWins(_ setting: Setting, _ sources: (Source, Source)) throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    var scenario = Scenario(dir)
    if setting != .endpoint { try scenario.set(.endpoint, from: .flag, 9) }  // a TLS endpoint, not localhost
    try scenario.set(setting, from: sources.0, 2)
    try scenario.set(setting, from: sources.1, 1)
    let settings = try scenario.resolve()
    #expect(Self.shown(setting, settings) == Self.expected(setting, 2, in: dir), "\(sources.0) over \(sources.1)")
  }

  @Test(arguments: Setting.allCases, Source.allCases)
  func eachSourceAloneIsRead(_ setting: Setting, _ source: Source) throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    var scenario = Scenario(dir)
    if setting != .endpoint { try scenario.set(.endpoint, from: .flag, 9) }
    try scenario.set(setting, from: source, 1)
    #expect(Self.shown(setting, try scenario.resolve()) == Self.expected(setting, 1, in: dir))
  }

  /// The organization derived from the endpoint is the last resort, below every source of
  /// `task.org`, whichever source gave the endpoint.
  @Test(arguments: Source.allCases, Source.allCases)
  func anOrganizationFromAnySourceBeatsTheDerivedOne(_ endpointSource: Source, _ orgSource: Source) throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    var scenario = Scenario(dir)
    try scenario.set(.organization, from: orgSource, 1)
    switch endpointSource {
    case .flag: scenario.overrides.endpoint = "dns:///127.0.0.1:8089"
    case .environment: scenario.environment["FLYTE_ADMIN_ENDPOINT"] = "dns:///127.0.0.1:8089"
    case .explicitConfig: scenario.explicit["admin", default: [:]]["endpoint"] = "dns:///127.0.0.1:8089"
    case .defaultConfig: scenario.fallback["admin", default: [:]]["endpoint"] = "dns:///127.0.0.1:8089"
    }
    // With --config, the default file is not read at all (as the official CLI reads one file).
    let shadowed = endpointSource == .explicitConfig && orgSource == .defaultConfig
    #expect(try scenario.resolve().organization == (shadowed ? "127" : "org-1"))
    scenario.overrides.organization = nil
    scenario.environment["FLYTE_TASK_ORG"] = nil
    scenario.explicit["task"] = nil
    scenario.fallback["task"] = nil
    #expect(try scenario.resolve().organization == "127", "derived from the endpoint given by \(endpointSource)")
  }

  @Test(arguments: [
    ("dns:///127.0.0.1:8089", "127"), ("127.0.0.1:8089", "127"), ("http://10.1.2.3:80", "10"),
    ("https://acme.cloud.example.com/", "acme"), ("dns:///acme.cloud.example.com", "acme"),
    ("https://Acme.Example.com", "Acme"), ("acme.example.com:443", "acme"),
    ("localhost:8089", nil), ("dns:///localhost:8089", nil), ("http://localhost", nil), ("example.com", nil),
    ("[::1]:8089", nil), ("dns:///[::1]:8089", nil), ("dns://8.8.8.8/a.b.c:1", nil), ("grpc://a.b.c", nil),
    ("dns:///.b.c", nil),
  ] as [(String, String?)])
  func theOrganizationIsDerivedAsTheOfficialClientDoes(_ endpoint: String, _ organization: String?) {
    #expect(ConnectionSettings.organization(derivedFrom: endpoint) == organization)
  }

  @Test func theOfficialEnvironmentNamesBeatTheShortOnes() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let env = [
      "HOME": dir.path, "FLYTE_ADMIN_ENDPOINT": "official:1", "FLYTE_ENDPOINT": "short:2", "FLYTE_TASK_ORG": "a",
      "FLYTE_ORG": "b", "FLYTE_ADMIN_INSECURE": "false", "FLYTE_INSECURE": "true",
    ]
    let settings = try ConnectionSettings.resolve(environment: env, currentDirectory: dir.path)
    #expect(settings.target == "official:1")
    #expect(settings.organization == "a")
    #expect(settings.insecure == false)
    #expect(settings.endpointSource == "FLYTE_ADMIN_ENDPOINT")
    let short = try ConnectionSettings.resolve(
      environment: ["HOME": dir.path, "FLYTE_ENDPOINT": "short:2", "FLYTE_ORG": "b"], currentDirectory: dir.path)
    #expect(short.target == "short:2")
    #expect(short.organization == "b")
  }

  /// The default config file is the first of the official CLI's locations that exists.
  @Test func theDefaultConfigFileIsLookedForWhereTheOfficialCLILooks() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try dir.write("repo/.git/HEAD", "ref: refs/heads/main\n")
    let cwd = dir.path + "/repo/sub"
    try FileManager.default.createDirectory(atPath: cwd, withIntermediateDirectories: true)
    let locations = [
      "repo/sub/config.yaml", "repo/sub/.flyte/config.yaml", "repo/.flyte/config.yaml", "uctl.yaml", "flytectl.yaml",
      "home/.union/config.yaml", "home/.flyte/config.yaml",
    ]
    var env = ["HOME": dir.path + "/home", "UCTL_CONFIG": dir.path + "/uctl.yaml", "FLYTECTL_CONFIG": dir.path + "/flytectl.yaml"]
    for (n, location) in locations.enumerated() {
      try dir.write(location, "admin:\n  endpoint: host-\(n):\(1000 + n)\n  insecure: true\n")
    }
    for (n, location) in locations.enumerated() {
      let settings = try ConnectionSettings.resolve(environment: env, currentDirectory: cwd)
      #expect(settings.target == "host-\(n):\(1000 + n)", "\(location) is next")
      #expect(settings.endpointSource.hasSuffix(location))
      try FileManager.default.removeItem(atPath: dir.path + "/" + location)
      if location == "uctl.yaml" { env["UCTL_CONFIG"] = nil }  // named by a variable: must exist
      if location == "flytectl.yaml" { env["FLYTECTL_CONFIG"] = nil }
    }
    #expect(try ConnectionSettings.resolve(environment: env, currentDirectory: cwd).target == "localhost:8089")
  }

  @Test func anExplicitConfigFileHidesTheDefaultOne() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try dir.write(".flyte/config.yaml", "admin:\n  endpoint: default-host:1\n  insecure: true\ntask:\n  org: from-default\n")
    let file = try dir.write("c.yaml", "admin:\n  insecure: false\n")
    let settings = try ConnectionSettings.resolve(
      ConnectionOverrides(configPath: file), environment: ["HOME": dir.path], currentDirectory: dir.path + "/.flyte")
    #expect(settings.target == "localhost:8089")
    #expect(settings.insecure == false)
    #expect(settings.organization == "")
  }

  /// The bug this order fixes: an endpoint in the environment silently beat `--config`.
  @Test func anExplicitConfigFileBeatsTheEnvironment() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let file = try dir.write("c.yaml", "admin:\n  endpoint: dns:///127.0.0.1:8089\n  insecure: true\n")
    let settings = try ConnectionSettings.resolve(
      ConnectionOverrides(configPath: file), environment: ["HOME": dir.path, "FLYTE_ENDPOINT": "localhost:9999"],
      currentDirectory: dir.path)
    #expect(settings.target == "127.0.0.1:8089")
    #expect(settings.organization == "127")
    #expect(settings.endpointSource == "admin.endpoint in \(file)")
  }

  func expectConfigurationError(
    containing text: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> ConnectionSettings
  ) {
    #expect(sourceLocation: sourceLocation) {
      _ = try body()
    } throws: { error in
      guard let error = error as? ConfigurationError else { return false }
      return error.message.contains(text)
    }
  }
}
