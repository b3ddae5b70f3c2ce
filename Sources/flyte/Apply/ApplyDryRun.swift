import ArgumentParser
import ClusterPoolClient

/// `apply --dry-run`: the one place of the CLI that asks the server to check without writing
/// (request metadata `clusterpool-dry-run: true`, which the server echoes when it honours it).
enum ApplyDryRun {
  static func run(_ documents: ApplyFileOptions, client: ControlPlaneClient) async throws {
    throw CLIError(
      "--dry-run needs the client's dry-run call option, which this build does not have yet; nothing was sent "
        + "(flyte diff prints the plan without writing)")
  }
}
