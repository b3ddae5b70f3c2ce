import ArgumentParser

/// `flyte`: manage the cluster-pool control plane. The root only lists the verbs; each verb
/// lists the nouns it applies to (`cluster-pool` now, `cluster` and `queue` next).
@main
struct Flyte: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "flyte",
    abstract: "Manage cluster pools on a Union/Flyte control plane.",
    discussion: """
      Each setting comes from the first of these that gives it:
        1. the flags: --endpoint, --insecure, --ca-cert, --org;
        2. the file named by --config (admin.endpoint, admin.insecure, admin.caCertFilePath,
           task.org; the official CLI's config file);
        3. the environment: FLYTE_ADMIN_ENDPOINT, FLYTE_ADMIN_INSECURE,
           FLYTE_ADMIN_CACERTFILEPATH, FLYTE_TASK_ORG (or FLYTE_ENDPOINT, FLYTE_INSECURE,
           FLYTE_CA_CERT, FLYTE_ORG);
        4. the default config file, the first that exists of ./config.yaml,
           ./.flyte/config.yaml, .flyte/config.yaml at the git root, $UCTL_CONFIG,
           $FLYTECTL_CONFIG, ~/.union/config.yaml, ~/.flyte/config.yaml;
        5. defaults: localhost:8089 in cleartext; the organization derived from the endpoint
           as the official CLI derives it (the host's first label when it has more than two:
           127 for dns:///127.0.0.1:8089), else the server's default.
      Tables name the organization they show in their title.
      """,
    subcommands: [Create.self, Get.self, Update.self, Delete.self, Undelete.self])
}
