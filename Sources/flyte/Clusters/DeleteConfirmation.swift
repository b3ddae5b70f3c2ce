import ArgumentParser

/// The confirmation rule of every `delete`: ask on a terminal, refuse without one unless
/// `--yes` was given.
enum DeleteConfirmation {
  /// Returns when the delete may go ahead; throws (printing why) otherwise. `what` names the
  /// resource, e.g. `cluster "prod-us-east-1"`.
  static func require(_ what: String, yes: Bool) throws {
    if yes { return }
    guard Terminal.isInteractive else {
      throw CLIError("refusing to delete \(what) without confirmation: standard input is not a terminal; pass --yes to delete it")
    }
    guard Terminal.confirm("Delete \(what)?") else {
      Terminal.printError("Aborted: \(what) was not deleted.")
      throw ExitCode.failure
    }
  }
}
