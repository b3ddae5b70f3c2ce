import ArgumentParser

/// `flyte`: manage the cluster-pool control plane. The root only lists the verbs; each verb
/// lists the nouns it applies to (`cluster-pool` now, `cluster` and `queue` next).
@main
struct Flyte: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "flyte",
    abstract: "Manage cluster pools on a Union/Flyte control plane.",
    discussion: """
      The control plane is found from --endpoint (with --insecure for cleartext HTTP/2), \
      FLYTE_ENDPOINT, or the config file of the official CLI: --config, FLYTECTL_CONFIG, \
      else ~/.flyte/config.yaml (admin.endpoint, admin.insecure, admin.caCertFilePath).
      """,
    subcommands: [Create.self, Get.self, Update.self, Delete.self, Undelete.self])
}
