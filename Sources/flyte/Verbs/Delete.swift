import ArgumentParser

/// `flyte delete NOUN`.
struct Delete: CommandGroup {
  static let configuration = CommandConfiguration(
    abstract: "Delete a resource (a soft delete: undelete restores it).",
    subcommands: [DeleteClusterPool.self, DeleteCluster.self, DeleteQueue.self, DeleteAPIKey.self, DeleteRole.self, DeletePolicy.self, DeleteUser.self, DeleteAssignment.self])
}
