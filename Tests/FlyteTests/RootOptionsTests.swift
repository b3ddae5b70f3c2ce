import ArgumentParser
import ClusterPoolClient
import Testing

@testable import flyte

/// How `flyte` parses the official CLI's shape, without a server: root options before the
/// verb reach the command (one declaration shared by the root and the commands), the
/// per-command form still works, and usage errors are the ones that exit 2.
@Suite struct RootOptionsTests {
  static func parse<Command: ParsableCommand>(_ arguments: [String], as: Command.Type) throws -> Command {
    let command = try Flyte.parseAsRoot(arguments)
    return try #require(command as? Command, "parsed \(type(of: command)), not \(Command.self)")
  }

  @Test func rootOptionsBeforeTheVerbReachTheCommand() throws {
    let before = try Self.parse(
      ["--endpoint", "h:1", "--insecure", "--org", "acme", "-c", "/c.yaml", "-vv", "-of", "json", "get", "queue", "q"],
      as: GetQueue.self)
    let after = try Self.parse(
      ["get", "queue", "q", "--endpoint", "h:1", "--insecure", "--org", "acme", "--config", "/c.yaml", "-v", "-v",
       "--output-format", "json"],
      as: GetQueue.self)
    for command in [before, after] {
      #expect(command.name == "q")
      #expect(command.connection.endpoint == "h:1" && command.connection.insecure == true)
      #expect(command.connection.org == "acme" && command.connection.config == "/c.yaml")
      #expect(command.connection.global.verbose == 2)
      #expect(command.output.output == .json)
    }
  }

  @Test func everySpellingOfTheOutputFormat() throws {
    for spelling in ["-o", "--output", "-of", "--output-format"] {
      #expect(try Self.parse([spelling, "yaml", "get", "cluster"], as: GetCluster.self).output.output == .yaml)
      #expect(try Self.parse(["get", "cluster", spelling, "yaml"], as: GetCluster.self).output.output == .yaml)
    }
    #expect(try Self.parse(["get", "cluster"], as: GetCluster.self).output.output == .table)
    #expect(try Self.parse(["-of", "JSON", "get", "cluster"], as: GetCluster.self).output.output == .json)
  }

  @Test func commandsWithoutOutputStillTakeTheRootOptions() throws {
    let create = try Self.parse(
      ["--org", "o", "--project", "p", "--domain", "d", "--auth-type", "PKCE", "--no-progress", "create", "queue", "q",
       "--run-concurrency", "1", "--action-concurrency", "2"],
      as: CreateQueue.self)
    #expect(create.connection.org == "o" && create.connection.global.queueScope == QueueScope(project: "p", domain: "d"))
    #expect(create.connection.global.authType?.name == "pkce" && create.connection.global.noProgress)
    #expect(try Self.parse(["update", "cluster", "c1", "--pool", "prod"], as: UpdateCluster.self).pool == "prod")
  }

  @Test func theAPIKeyIsARootOption() throws {
    for arguments in [
      ["--api-key", "K", "--allow-insecure-credentials", "get", "cluster-pool"],
      ["get", "cluster-pool", "--api-key", "K", "--allow-insecure-credentials"],
    ] {
      let overrides = try Self.parse(arguments, as: GetClusterPool.self).connection.overrides
      #expect(overrides.apiKey == "K" && overrides.allowInsecureCredentials == true)
    }
    let plain = try Self.parse(["get", "cluster-pool"], as: GetClusterPool.self).connection.overrides
    #expect(plain.apiKey == nil && plain.allowInsecureCredentials == nil)
  }

  @Test func usageErrorsAreValidationFailures() {
    let usage: [[String]] = [
      ["--image-builder", "local", "get", "queue"], ["--log-format", "json", "get", "queue"],
      ["--user-log-level", "debug", "get", "queue"], ["--reset-root-logger", "get", "queue"],
      ["get", "queue", "--watch"], ["-of", "xml", "get", "queue"], ["--auth-type", "kerberos", "get", "queue"],
      ["create", "cluster"],
      ["update", "queue", "q", "--clear-max-accelerators", "--max-accelerators", "H100=1"],
      ["create", "queue", "--file", "q.yaml", "--depth", "1"],
    ]
    // Not exactly one of --pool/--drain/--activate is the command's error (exit 1), as the
    // official CLI's: it parses (test_cli_clusters.py checks the exit).
    #expect(throws: Never.self) { try Flyte.parseAsRoot(["update", "cluster", "c1", "--pool", "p", "--drain"]) }
    for arguments in usage {
      #expect(throws: (any Error).self, "\(arguments)") { try Flyte.parseAsRoot(arguments) }
      do {
        _ = try Flyte.parseAsRoot(arguments)
      } catch {
        #expect(Flyte.exitCode(for: error) == .validationFailure, "\(arguments): \(error)")
      }
    }
  }

  @Test func theOfficialAuthTypesParse() {
    for name in ["pkce", "Pkce", "client-secret", "ExternalCommand", "device_flow", "headless", "custom"] {
      #expect(AuthType(argument: name) != nil, "\(name)")
    }
    #expect(AuthType(argument: "kerberos") == nil)
  }
}
