import ArgumentParser

/// `flyte undelete NOUN`.
struct Undelete: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Restore a deleted resource.",
    subcommands: [UndeleteClusterPool.self, UndeleteCluster.self, UndeleteQueue.self])
}
