import ClusterPoolClient
import Foundation
import Testing

/// FLYTE_API_KEY parsing and the config file's credentials, without a server.
@Suite struct CredentialsTests {
  func key(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

  @Test func apiKeysAreReadFromTheRight() throws {
    for (text, endpoint) in [
      ("dns:///pools.example.com:8089:ci:s3cret:acme", "dns:///pools.example.com:8089"),
      ("localhost:8089:ci:s3cret:acme", "localhost:8089"), ("https://h:443:ci:s3cret:acme", "https://h:443"),
      ("localhost:ci:s3cret:acme", "localhost"), (":ci:s3cret:acme", ""),
    ] {
      let parsed = try FlyteAPIKey(parsing: key(text), origin: "FLYTE_API_KEY")
      #expect(parsed.endpoint == endpoint)
      #expect(parsed.clientID == "ci" && parsed.secret.revealed == "s3cret" && parsed.organization == "acme")
    }
    #expect(try FlyteAPIKey(parsing: key("h:ci:s:None"), origin: "k").organization == nil)
    #expect(try FlyteAPIKey(parsing: key("h:ci:s:"), origin: "k").organization == nil)
    // URL-safe alphabet, no padding, a pasted newline
    let raw = Data("h:ci:s?>:acme".utf8).base64EncodedString()
    let urlSafe = raw.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
      .replacingOccurrences(of: "=", with: "")
    #expect(try FlyteAPIKey(parsing: urlSafe + "\n", origin: "k").secret.revealed == "s?>")
  }

  @Test func badAPIKeysNameTheSourceNotTheKey() {
    for (text, why) in [
      ("not base64!", "not base64"), (key("h:ci:acme"), "3 colon-separated fields"),
      (key("h::s:acme"), "client id is empty"), (key("h:ci::acme"), "client secret is empty"), ("", "empty"),
    ] {
      let error = #expect(throws: ConfigurationError.self) { try FlyteAPIKey(parsing: text, origin: "--api-key") }
      #expect(error?.message.hasPrefix("--api-key is not an API key: ") == true)
      #expect(error?.message.contains(why) == true, "\(String(describing: error))")
      #expect(text.isEmpty || error?.message.contains(text) == false)
    }
  }

  @Test func secretsPrintHidden() throws {
    let parsed = try FlyteAPIKey(parsing: key("h:ci:topsecret:acme"), origin: "k")
    let credentials = ClientCredentials.apiKey(parsed, source: "FLYTE_API_KEY")
    for text in ["\(credentials)", "\(parsed)", "\(parsed.secret)", String(reflecting: credentials)] {
      #expect(!text.contains("topsecret"), "\(text)")
    }
    #expect("\(credentials)" == "client ci (FLYTE_API_KEY)")
  }

  @Test func theKeysEndpointAndOrganizationComeAfterTheFlags() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let config = try directory.write("config.yaml", "admin:\n  endpoint: dns:///config-host:1\ntask:\n  org: cfg\n")
    let environment = ["HOME": directory.path, "FLYTE_API_KEY": key("key-host:2:ci:s:keyorg")]
    let settings = try ConnectionSettings.resolve(
      ConnectionOverrides(configPath: config), environment: environment, currentDirectory: directory.path)
    #expect(settings.target == "key-host:2" && settings.organization == "keyorg")
    #expect(settings.credentials?.description == "client ci (FLYTE_API_KEY)")
    var overrides = ConnectionOverrides(endpoint: "flag-host:3", configPath: config, organization: "flagorg")
    overrides.apiKey = key(":other:s2:")
    let flagged = try ConnectionSettings.resolve(overrides, environment: environment, currentDirectory: directory.path)
    #expect(flagged.target == "flag-host:3" && flagged.organization == "flagorg")
    #expect(flagged.credentials?.description == "client other (--api-key)")
  }

  @Test func configFileCredentials() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try directory.write("ci.secret", "from-file\n")
    func resolve(_ admin: String, _ environment: [String: String] = [:]) throws(ConfigurationError) -> ConnectionSettings {
      let config = try! directory.write("config.yaml", "admin:\n  endpoint: h:1\n" + admin)
      return try ConnectionSettings.resolve(
        ConnectionOverrides(configPath: config), environment: environment.merging(["HOME": directory.path]) { a, _ in a },
        currentDirectory: directory.path)
    }
    let fromFile = try resolve("  authType: ClientSecret\n  clientId: ci\n  clientSecretLocation: ci.secret\n")
    guard case .clientSecret(let id, let secret) = fromFile.credentials?.kind else { Issue.record("no client secret"); return }
    #expect(id == "ci" && secret.revealed == "from-file")
    let fromVariable = try resolve("  clientId: ci\n  clientSecretEnvVar: CI_SECRET\n", ["CI_SECRET": "from-env"])
    guard case .clientSecret(_, let envSecret) = fromVariable.credentials?.kind else { Issue.record("no client secret"); return }
    #expect(envSecret.revealed == "from-env")
    let command = try resolve("  authType: ExternalCommand\n  command:\n    - print-token\n    - --org\n    - acme\n")
    #expect(command.credentials?.kind == .externalCommand(["print-token", "--org", "acme"]))
    #expect(try resolve("  authType: Pkce\n").credentials == nil)
    #expect(try resolve("").credentials == nil)

    for (admin, why) in [
      ("  authType: ClientSecret\n  clientId: ci\n", "needs the client secret"),
      ("  authType: ClientSecret\n  clientSecretLocation: ci.secret\n", "needs admin.clientId"),
      ("  authType: ClientSecret\n  clientId: ci\n  clientSecretLocation: missing\n", "cannot be read"),
      ("  clientId: ci\n  clientSecretEnvVar: UNSET_VAR\n", "UNSET_VAR, which is not set"),
      ("  authType: ExternalCommand\n", "needs admin.command"), ("  authType: Magic\n", "is not one of"),
    ] {
      let error = #expect(throws: ConfigurationError.self) { try resolve(admin) }
      #expect(error?.message.contains(why) == true, "\(String(describing: error))")
    }
  }
}
