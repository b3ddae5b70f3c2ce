import ArgumentParser
import ClusterPoolClient

/// `apply --dry-run`: the one place of the CLI that asks the server to check without writing.
/// Every call goes through a dry-run client (request metadata `clusterpool-dry-run: true`);
/// the organization is read first, and nothing that writes is sent unless the server's
/// answers echoed the header (a server that ignores it would commit the writes).
enum ApplyDryRun {
  static func run(_ documents: ApplyFileOptions, client: ControlPlaneClient) async throws {
    let loaded = try documents.load()
    let dryRun = client.dryRunClient()
    let current = try await OrganizationState.read(client: dryRun, access: ApplyPlan.managesAccess(loaded))
    try dryRun.requireDryRunSupport()
    let plan = try ApplyPlan(loaded, current: current, prune: documents.prune)
    guard plan.hasChanges else { return Terminal.write(plan.rendered()) }
    let checks = try await plan.check(client: dryRun)
    Terminal.write(ApplyPlan.renderedChecks(checks))
    if checks.contains(where: { if case .rejected = $0.outcome { true } else { false } }) { throw ExitCode.failure }
  }
}
