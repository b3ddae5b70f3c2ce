import ArgumentParser
import ClusterPoolClient

/// `flyte diff -f FILE|DIR|- [--prune]`: the plan of `apply`, for CI pipelines.
struct DiffCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "diff",
    abstract: "Print what flyte apply would change; exit 1 when it would change anything.",
    discussion: """
      Reads the organization (list calls only: nothing is written) and prints the plan of \
      flyte apply with the same files and --prune. Exit status: 0 when there are no changes, \
      1 when there are, 2 for a usage error, 3 when the files or the server fail.
      """)

  /// The exit status of a failure (the files, the connection, the server).
  static let failureCode: Int32 = 3

  @OptionGroup var documents: ApplyFileOptions
  @OptionGroup var connection: ConnectionOptions

  func run() async throws {
    var changes = false
    do {
      try await CommandRunner.run(connection) { client in
        let plan = try await documents.plan(client)
        Terminal.write(plan.rendered())
        changes = plan.hasChanges
      }
    } catch let exit as ExitCode where exit == .failure {
      throw ExitCode(Self.failureCode)
    }
    if changes { throw ExitCode.failure }
  }
}
