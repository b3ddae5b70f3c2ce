import ArgumentParser

/// `flyte undelete NOUN`.
struct Undelete: CommandGroup {
  static let configuration = CommandConfiguration(
    abstract: "Restore a deleted resource.",
    subcommands: [UndeleteClusterPool.self, UndeleteCluster.self, UndeleteQueue.self])
}
