import ArgumentParser

/// `flyte get NOUN`.
struct Get: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show one resource or list them.",
    subcommands: [GetClusterPool.self, GetCluster.self, GetQueue.self])
}
