import ArgumentParser
import Foundation

/// Usage errors exit 2, as the official CLI's (click) do; argument-parser's own code for them
/// is 64 (EX_USAGE).
enum UsageExit {
  /// The exit status of a usage error.
  static let code: Int32 = 2

  /// A usage error found after parsing (e.g. an option the command does not apply): prints
  /// `Error: message` and exits 2.
  static func fail(_ message: String) -> ExitCode {
    Terminal.printError("Error: \(message)")
    return ExitCode(code)
  }
}

extension ParsableCommand {
  /// Like `exit(withError:)`, except that a usage error (unknown option, missing or bad
  /// argument, a failed `validate()`) prints its message with the usage on standard error and
  /// exits `usageErrorCode`.
  static func exit(withError error: any Error, usageErrorCode: Int32) -> Never {
    guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
    Terminal.printError(fullMessage(for: error))
    Foundation.exit(usageErrorCode)
  }
}
