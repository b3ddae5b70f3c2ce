import ArgumentParser

/// `flyte create NOUN`.
struct Create: CommandGroup {
  static let configuration = CommandConfiguration(
    abstract: "Create a resource.",
    subcommands: [CreateClusterPool.self, CreateCluster.self, CreateQueue.self, CreateAPIKey.self, CreateRole.self, CreatePolicy.self, CreateUser.self, CreateAssignment.self])
}
