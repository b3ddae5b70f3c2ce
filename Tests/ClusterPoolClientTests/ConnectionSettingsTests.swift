import ClusterPoolClient
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
