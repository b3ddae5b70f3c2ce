import ArgumentParser
import ClusterPoolClient

/// `flyte apply -f FILE|DIR|- [--prune [--yes]] [--dry-run]`: the organization as code.
struct ApplyCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "apply",
    abstract: "Make the organization match YAML documents: print the plan, then apply it.",
    discussion: """
      Each document has a kind (ClusterPool, Cluster, Queue, Role, Policy, Assignment) and the \
      keys of that noun's --file manifest; flyte get NOUN -o yaml prints documents apply \
      accepts unchanged. The files are checked before anything is sent (an unknown kind or \
      key, two documents for one object, a cluster named in two pools, a pool referred to but \
      neither in the files nor on the server: each reported with its file and line). Then the \
      plan is printed (+ create, ~ update with the changed fields, - delete) and applied in \
      dependency order: pools, clusters, queues, roles, policies, assignments; deletions in \
      the reverse order, draining first. A cluster moving to another pool is drained, deleted \
      and registered again. Applying the same files again changes nothing ("No changes").

      Objects no document names are listed as not managed here; --prune deletes them, after \
      confirmation on a terminal or with --yes. Roles, policies and assignments are managed \
      only when the files hold a document of that kind; the default pool and queue, clusters' \
      implicit queues, built-in roles and policies, and assignments are never pruned.
      """)

  @OptionGroup var documents: ApplyFileOptions

  @Flag(name: [.customLong("dry-run"), .customLong("dryrun")], help: "Have the server check every change without making it (it must support dry run); nothing is written.")
  var dryRun = false

  @Flag(name: [.short, .long], help: "Delete what --prune deletes without asking for confirmation.")
  var yes = false

  @Option(help: "Seconds to wait for each drain and cluster deletion to complete.")
  var waitLimit = 300

  @OptionGroup var connection: ConnectionOptions

  func validate() throws {
    if waitLimit < 1 { throw ValidationError("--wait-limit must be at least 1 second") }
  }

  func run() async throws {
    try await CommandRunner.run(connection) { client in
      if dryRun { return try await ApplyDryRun.run(documents, client: client) }
      let plan = try await documents.plan(client)
      Terminal.write(plan.rendered())
      guard plan.hasChanges else { return }
      let deletions = plan.changes.filter { $0.action == .delete }
      if !deletions.isEmpty {
        let what = deletions.count == 1 ? deletions[0].kind.noun + " " + deletions[0].name : "\(deletions.count) objects"
        try DeleteConfirmation.require(what, yes: yes)
      }
      try await plan.execute(client: client, waitLimit: .seconds(waitLimit)) { Terminal.write("\($0)\n") }
      Terminal.write("Applied: \(plan.countLine).\n")
    }
  }
}
