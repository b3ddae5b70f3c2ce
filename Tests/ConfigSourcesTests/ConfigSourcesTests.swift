import ArgumentParser
import Testing

@testable import ConfigSources

/// Merging the command line, the environment and a file: precedence, unknown keys, shapes,
/// the arguments handed to the parser, and the printed configuration.
@Suite struct ConfigSourcesTests {
  let catalog = try! OptionCatalog(of: SampleCommand.self)

  func sources(_ arguments: [String], env: [String: String] = [:], file: String? = nil) -> ConfigSources {
    var sources = ConfigSources(arguments: arguments, environment: env, prefix: "SAMPLE_") { path in
      guard path == "sample.yaml", let file else { throw ConfigError("No such file or directory") }
      return file
    }
    sources.otherVariables = ["SAMPLE_PASSWORD"]
    sources.ignoredPrefixes = ["SAMPLE_TEST_"]
    sources.notFromConfiguration = [["copy"]: ["database"]]
    return sources
  }

  func entry(_ resolved: ResolvedConfiguration, _ key: String) -> ResolvedConfiguration.Entry? {
    resolved.entries.first { $0.option.key == key }
  }

  @Test func flagOverridesEnvironmentOverridesFileOverridesDefault() throws {
    let file = "port: 1\nhost: 0.0.0.0\ndatabase: from-file.db\ntls-cert: cert.pem\n"
    let env = ["SAMPLE_PORT": "2", "SAMPLE_HOST": "::1"]
    let resolved = try sources(["--config", "sample.yaml", "--port", "3"], env: env, file: file).resolve(catalog)
    #expect(entry(resolved, "port")?.values == ["3"])
    #expect(entry(resolved, "port")?.source == .flag)
    #expect(entry(resolved, "host")?.source == .environment(variable: "SAMPLE_HOST"))
    #expect(entry(resolved, "database")?.source == .file(path: "sample.yaml", line: 3))
    #expect(entry(resolved, "default-secret-store-type")?.source == .defaultValue)
    #expect(resolved.arguments == ["--config", "sample.yaml", "--port", "3", "--host=::1", "--tls-cert=cert.pem", "--database=from-file.db"])
    let parsed = try SampleCommand.parse(resolved.arguments)
    #expect(parsed.port == 3 && parsed.host == "::1" && parsed.store.database == "from-file.db" && parsed.tlsCert == "cert.pem")
  }

  @Test func theFileMayComeFromTheEnvironmentAndFlagsListsAndNullsWork() throws {
    let file = "enable-test-service: yes\ntag: [a, b]\nport: ~\n"
    let resolved = try sources([], env: ["SAMPLE_CONFIG": "sample.yaml"], file: file).resolve(catalog)
    #expect(resolved.file == "sample.yaml")
    #expect(resolved.arguments == ["--enable-test-service", "--tag=a", "--tag=b"])
    #expect(entry(resolved, "port")?.source == .defaultValue)
    let parsed = try SampleCommand.parse(resolved.arguments)
    #expect(parsed.enableTestService && parsed.tag == ["a", "b"])
  }

  @Test func aFlagWithAnInversionIsSetEitherWay() throws {
    let off = try sources([], env: ["SAMPLE_COLOR": "false", "SAMPLE_ENABLE_TEST_SERVICE": "false"]).resolve(catalog)
    #expect(off.arguments == ["--no-color"])
    #expect(try SampleCommand.parse(off.arguments).color == false)
    let flag = try sources(["--no-color"], env: ["SAMPLE_COLOR": "true"]).resolve(catalog)
    #expect(entry(flag, "color")?.values == ["false"] && entry(flag, "color")?.source == .flag)
    #expect(flag.arguments == ["--no-color"])
  }

  @Test func anEmptyVariableLeavesItsOptionUnset() throws {
    let resolved = try sources([], env: ["SAMPLE_PORT": "", "SAMPLE_CONFIG": ""]).resolve(catalog)
    #expect(entry(resolved, "port")?.source == .defaultValue)
    #expect(resolved.file == nil && resolved.arguments == [])
  }

  @Test func unknownKeysAndVariablesAreNamedWithASuggestion() throws {
    #expect(throws: ConfigError("sample.yaml:2: unknown key 'prot'; did you mean 'port'?")) {
      try sources(["--config", "sample.yaml"], file: "host: x\nprot: 1\n").resolve(catalog)
    }
    #expect(throws: ConfigError("environment variable SAMPLE_TLS_CRT: unknown option --tls-crt; did you mean SAMPLE_TLS_CERT?")) {
      try sources([], env: ["SAMPLE_TLS_CRT": "x", "SAMPLE_PASSWORD": "p", "SAMPLE_TEST_URL": "u"]).resolve(catalog)
    }
    #expect(throws: ConfigError("sample.yaml:1: unknown key 'config'")) {
      try sources(["--config", "sample.yaml"], file: "config: other.yaml\n").resolve(catalog)
    }
  }

  @Test func badShapesNameTheirPlace() throws {
    #expect(throws: ConfigError("sample.yaml:1: --port takes one value, not a list of 2")) {
      try sources(["--config", "sample.yaml"], file: "port: [1, 2]\n").resolve(catalog)
    }
    #expect(throws: ConfigError("SAMPLE_ENABLE_TEST_SERVICE: enable-test-service is a flag: true or false, not 'maybe'")) {
      try sources([], env: ["SAMPLE_ENABLE_TEST_SERVICE": "maybe"]).resolve(catalog)
    }
    let duplicate = #expect(throws: ConfigError.self) {
      try sources(["--config", "sample.yaml"], file: "port: 1\nport: 2\n").resolve(catalog)
    }
    #expect(duplicate?.description.hasPrefix("sample.yaml: not YAML: ") == true)
    #expect(duplicate?.description.contains("duplicated key(s): 'port'") == true)
    #expect(throws: ConfigError("sample.yaml:1: 'store' takes a value, not a mapping (keys are flat: the option names)")) {
      try sources(["--config", "sample.yaml"], file: "store:\n  database: x\n").resolve(catalog)
    }
    #expect(throws: ConfigError("cannot read the configuration file missing.yaml: No such file or directory")) {
      try sources(["--config", "missing.yaml"]).resolve(catalog)
    }
  }

  @Test func aParserErrorNamesTheSourceOfTheValue() throws {
    let resolved = try sources(["--config", "sample.yaml"], env: ["SAMPLE_PORT": "abc"], file: "database: x\n").resolve(catalog)
    do {
      _ = try SampleCommand.parse(resolved.arguments)
      Issue.record("--port abc parsed")
    } catch {
      let note = resolved.sourceNote(for: SampleCommand.message(for: error))
      #expect(note == "The value 'abc' is invalid for '--port <port>' (--port from env SAMPLE_PORT)")
    }
    let range = try sources(["--config", "sample.yaml"], file: "\nport: 70000\n").resolve(catalog)
    #expect(range.sourceNote(for: "--port must be 0...65535") == "--port must be 0...65535 (--port from file sample.yaml:2)")
    #expect(range.sourceNote(for: "--portal is wrong") == nil)
  }

  @Test func subcommandsTakeTheirOwnOptions() throws {
    let file = "database: server.db\nport: 1\nfrom: a.db\n"
    let rotate = try sources(["keys", "rotate", "--config", "sample.yaml"], file: file).resolve(catalog)
    #expect(rotate.commandPath == ["keys", "rotate"])
    #expect(rotate.arguments == ["keys", "rotate", "--config", "sample.yaml", "--database=server.db"])
    let copy = try sources(["copy", "--config", "sample.yaml"], file: file).resolve(catalog)
    #expect(copy.arguments == ["copy", "--config", "sample.yaml", "--from=a.db"])
    #expect(copy.entries.map(\.option.key) == ["from", "database-password", "default-secret-store-type"])
  }

  @Test func printedConfigurationShowsSourcesMasksSecretsAndReadsBack() throws {
    let file = "database-password: hunter2\nhost: \"a \\\"b\\\"\"\n"
    let resolved = try sources(["--print-config", "--config=sample.yaml"], env: ["SAMPLE_PASSWORD": "x"], file: file).resolve(catalog)
    #expect(resolved.printRequested)
    let text = resolved.rendered(command: "sample")
    #expect(text.contains("# SAMPLE_PASSWORD is set (not shown)"))
    #expect(text.contains("host: \"a \\\"b\\\"\"  # file sample.yaml:2"))
    #expect(text.contains("port: 8089  # default"))
    #expect(text.contains("tls-cert: null  # default (unset)"))
    #expect(text.contains("enable-test-service: false  # default"))
    #expect(text.contains("database-password: \"***\"  # file sample.yaml:1"))
    #expect(!text.contains("hunter2"))
    #expect(!text.contains("config:"))
    let again = try sources(["--config", "sample.yaml"], file: text).resolve(catalog)
    #expect(entry(again, "host")?.values == ["a \"b\""])
    #expect(entry(again, "port")?.values == ["8089"])
  }
}
