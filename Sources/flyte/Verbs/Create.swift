import ArgumentParser

/// `flyte create NOUN`.
struct Create: CommandGroup {
  static let configuration = CommandConfiguration(
    abstract: "Create a resource.",
    subcommands: [CreateClusterPool.self, CreateCluster.self, CreateQueue.self])
}
