import ArgumentParser

/// `flyte get NOUN`.
struct Get: CommandGroup {
  static let configuration = CommandConfiguration(
    abstract: "Show one resource or list them.",
    subcommands: [GetClusterPool.self, GetCluster.self, GetQueue.self, GetAPIKey.self, GetRole.self, GetPolicy.self, GetUser.self, GetAssignment.self, GetMember.self, GetAuditLog.self])
}
