import ArgumentParser
import ClusterPoolClient
import Foundation

/// Runs a command's body with a client and turns every failure into one `Error: ...` line on
/// standard error and a non-zero exit.
enum CommandRunner {
  static func run(_ connection: ConnectionOptions, _ body: (ControlPlaneClient) async throws -> Void) async throws {
    var client: ControlPlaneClient?
    do {
      let made = try ControlPlaneClient(connection.overrides)
      client = made
      try await body(made)
      await made.close()
    } catch {
      await client?.close()
      try fail(error)
    }
  }

  /// Prints `error` as the CLI does and exits non-zero.
  static func fail(_ error: any Error) throws -> Never {
    switch error {
    case let exit as ExitCode: throw exit
    case let error as ClientError: Terminal.printError("Error: \(error)")
    case let error as ManifestError: Terminal.printError("Error: invalid manifest: \(error)")
    default: Terminal.printError("Error: \(error)")
    }
    throw ExitCode.failure
  }
}

/// A failure the CLI itself reports (not the server), printed as `Error: message`.
struct CLIError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
