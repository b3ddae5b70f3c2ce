import ArgumentParser
import ClusterPoolClient
import Foundation

/// The documents of `apply` and `diff`: `-f FILE|DIR|-` (repeatable) and `--prune`.
struct ApplyFileOptions: ParsableArguments {
  @Option(
    name: [.short, .customLong("file")],
    help: ArgumentHelp(
      "A YAML file of documents (kind: ClusterPool, Cluster, Queue, Role, Policy or Assignment), a folder of .yaml/.yml files, or - for standard input; repeatable.",
      valueName: "FILE|DIR|-"))
  var files: [String] = []

  @Flag(help: "Delete the organization's objects no document names (never the default pool and queue, clusters' implicit queues, built-in roles and policies, nor assignments).")
  var prune = false

  func validate() throws {
    if files.isEmpty { throw ValidationError("give the documents with -f FILE, -f DIR or -f - (standard input)") }
    if files.filter({ $0 == "-" }).count > 1 { throw ValidationError("-f - (standard input) can be given once") }
  }

  /// The documents, checked; every problem is an error line with its file and line.
  func load() throws(ApplyError) -> ApplyDocuments {
    try ApplyDocuments.load(files) {
      String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    }
  }

  /// The plan for the organization of `client`, after reading it (list calls only).
  func plan(_ client: ControlPlaneClient) async throws -> ApplyPlan {
    let documents = try load()
    let current = try await OrganizationState.read(client: client, access: ApplyPlan.managesAccess(documents))
    return try ApplyPlan(documents, current: current, prune: prune)
  }
}
