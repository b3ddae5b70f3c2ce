import ArgumentParser
import ClusterPoolClient
import Foundation

/// Runs a command's body with a client and turns every failure into one `Error: ...` line on
/// standard error and a non-zero exit (with `-v`, lines saying where the call went).
enum CommandRunner {
  /// `queueScoped`: whether the command takes `--project`/`--domain` (queue commands); the
  /// others refuse them as a usage error.
  static func run(
    _ connection: ConnectionOptions, queueScoped: Bool = false, _ body: (ControlPlaneClient) async throws -> Void
  ) async throws {
    if !queueScoped && connection.global.hasScope {
      throw UsageExit.fail(
        "--project and --domain scope queue commands only: cluster pools and clusters belong to the organization")
    }
    var client: ControlPlaneClient?
    do {
      let made = try ControlPlaneClient(connection.overrides)
      client = made
      try await body(made)
      await made.close()
      if connection.global.verbose >= 1 { printRevision(made) }
    } catch {
      await client?.close()
      try fail(error, verbosity: connection.global.verbose, settings: client?.settings, revision: client?.highestRevision)
    }
  }

  /// With `-v`: the highest revision the server's answers carried, for a later command through
  /// another replica (`--min-revision N`): this CLI keeps nothing across runs.
  static func printRevision(_ client: ControlPlaneClient) {
    guard client.highestRevision > 0 else { return }
    Terminal.printError("revision: \(client.highestRevision) (a later command through another replica: --min-revision \(client.highestRevision))")
  }

  /// Prints `error` as the CLI does and exits non-zero; from `verbosity` 1 on, adds where
  /// the call went (endpoint, transport, organization), from 2 the status code.
  static func fail(
    _ error: any Error, verbosity: Int = 0, settings: ConnectionSettings? = nil, revision: UInt64? = nil
  ) throws -> Never {
    switch error {
    case let exit as ExitCode: throw exit
    case let error as ClientError: Terminal.printError("Error: \(error)")
    case let error as ManifestError: Terminal.printError("Error: invalid manifest: \(error)")
    case let error as ApplyError: for problem in error.problems { Terminal.printError("Error: \(problem)") }
    default: Terminal.printError("Error: \(error)")
    }
    if verbosity >= 1, let settings {
      let organization = settings.organization.isEmpty ? "the server's default" : settings.organization
      Terminal.printError(
        "  endpoint: \(settings.target) (\(settings.insecure ? "cleartext" : "TLS"), from \(settings.endpointSource)); organization: \(organization)")
      let sent = settings.sendsCredentials ? "" : " (not sent over cleartext)"
      Terminal.printError("  credentials: \(settings.credentials.map { "\($0)\(sent)" } ?? "none")")
    }
    if verbosity >= 1, let revision, revision > 0 {
      Terminal.printError("  revision: \(revision)")
    }
    if verbosity >= 2, let error = error as? ClientError {
      Terminal.printError("  status: \(error.code.name) (\(error.code.rawValue))")
    }
    throw ExitCode.failure
  }
}

/// A failure the CLI itself reports (not the server), printed as `Error: message`.
struct CLIError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
