import ArgumentParser

/// `flyte update NOUN`.
struct Update: CommandGroup {
  static let configuration = CommandConfiguration(
    abstract: "Change a resource.",
    subcommands: [UpdateClusterPool.self, UpdateCluster.self, UpdateQueue.self, UpdateRole.self, UpdatePolicy.self])
}
