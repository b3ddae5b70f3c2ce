import ArgumentParser

/// `flyte create NOUN`.
struct Create: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Create a resource.",
    subcommands: [CreateClusterPool.self, CreateCluster.self, CreateQueue.self])
}
