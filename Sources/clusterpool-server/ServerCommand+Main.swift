import ArgumentParser
import ClusterPoolPostgres
import ConfigSources
import Foundation

extension ServerCommand {
  /// Parses the command line joined by the options of `--config FILE` and of `CLUSTERPOOL_*`
  /// variables (flags > environment > file > defaults), then runs the command it names, or
  /// prints the effective configuration for `--print-config`. A value from the file or the
  /// environment that the parser or a validation refuses is reported with its source.
  static func main() async {
    let arguments = Array(CommandLine.arguments.dropFirst())
    var sources = ConfigSources(
      arguments: arguments, environment: withoutServiceLinks(ProcessInfo.processInfo.environment), prefix: "CLUSTERPOOL_",
      readFile: readConfigurationFile)
    sources.otherVariables = [PostgresCredentials.environmentVariable]
    // tools/test's PostgreSQL URL for the tests, inherited by the servers they start
    sources.ignoredPrefixes = ["CLUSTERPOOL_TEST_"]
    // --database is the server's: migrate reads --from and writes --to, and refuses --database
    sources.notFromConfiguration = [["migrate"]: ["database"]]

    var resolved: ResolvedConfiguration?
    if sources.isNeeded {
      do {
        resolved = try sources.resolve(try OptionCatalog(of: Self.self))
      } catch {
        exit(withError: ValidationError(error.description))
      }
    }
    var command: any ParsableCommand
    do {
      command = try await asyncParseAsRoot(resolved?.arguments ?? arguments)
    } catch {
      exit(withError: annotated(error, resolved))
    }
    do {
      command = try ephemeralAdjusted(command, arguments: resolved?.arguments ?? arguments)
    } catch {
      exit(withError: annotated(error, resolved))
    }
    if let resolved, resolved.printRequested {
      print(resolved.rendered(command: configuration.commandName ?? "clusterpool-server"))
      return
    }
    do {
      if var asyncCommand = command as? any AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
    } catch let error as ValidationError {
      exit(withError: annotated(error, resolved))
    } catch {
      exit(withError: error)
    }
  }

  /// `command` with `--ephemeral`'s port (0 unless `arguments` name `--port`); `--ephemeral`
  /// with `--database` is refused (its store is in memory).
  static func ephemeralAdjusted(_ command: any ParsableCommand, arguments: [String]) throws -> any ParsableCommand {
    guard var server = command as? ServerCommand, server.ephemeral.ephemeral else { return command }
    if EphemeralOptions.names("--database", in: arguments) {
      throw ValidationError("--ephemeral keeps the store in memory: leave out --database")
    }
    if !EphemeralOptions.names("--port", in: arguments) { server.port = 0 }
    return server
  }

  /// `environment` without the variables Kubernetes gives every pod for a Service called
  /// `clusterpool` (`CLUSTERPOOL_PORT=tcp://10.0.0.11:8089`, `CLUSTERPOOL_SERVICE_HOST`,
  /// `CLUSTERPOOL_PORT_8089_TCP_ADDR`, ...): they share the options' prefix but are not options,
  /// and would otherwise stop the server as unknown variables or a port that is not a number.
  static func withoutServiceLinks(_ environment: [String: String]) -> [String: String] {
    environment.filter { name, value in
      if name.hasPrefix("CLUSTERPOOL_SERVICE_") { return false }
      if name == "CLUSTERPOOL_PORT" {
        return !["tcp://", "udp://", "sctp://"].contains { value.hasPrefix($0) }
      }
      if name.hasPrefix("CLUSTERPOOL_PORT_"), let port = name.dropFirst("CLUSTERPOOL_PORT_".count).split(separator: "_").first,
        port.allSatisfy(\.isNumber)
      {
        return false
      }
      return true
    }
  }

  /// The text of the configuration file; an error naming the cause (`No such file or directory`).
  @Sendable private static func readConfigurationFile(_ path: String) throws -> String {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { throw ValidationError(String(cString: strerror(errno))) }
    close(descriptor)
    guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read it") }
    guard let text = String(data: data, encoding: .utf8) else { throw ValidationError("not UTF-8 text") }
    return text
  }

  /// `error` naming the file line or variable of each option it names that came from there.
  private static func annotated(_ error: any Error, _ resolved: ResolvedConfiguration?) -> any Error {
    guard let resolved, exitCode(for: error) != .success, let note = resolved.sourceNote(for: message(for: error)) else {
      return error
    }
    return ValidationError(note)
  }
}
