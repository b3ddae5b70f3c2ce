import ArgumentParser

/// A command that only lists subcommands (the root, each verb). Run without one, it prints
/// its help on standard error and exits 2, as the official CLI's groups do (`flyte get`).
protocol CommandGroup: AsyncParsableCommand {}

extension CommandGroup {
  func run() async throws {
    Terminal.printError(Flyte.helpMessage(for: Self.self))
    throw ExitCode(UsageExit.code)
  }
}
