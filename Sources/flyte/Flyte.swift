import ArgumentParser
import BuildInfo

/// `flyte`: manage the cluster-pool control plane. The root only lists the verbs; each verb
/// lists the nouns it applies to (`cluster-pool`, `cluster`, `queue`).
///
/// The official CLI's shape, `flyte [ROOT OPTIONS] VERB NOUN ...`, works because the root
/// declares the same option groups as the commands (`ConnectionOptions`, `OutputOptions`):
/// the root parses them wherever they stand and each command reuses the root's values (an
/// `@OptionGroup` of a type already decoded by a parent command is taken from it). One
/// declaration per option, no argv rewriting.
@main
struct Flyte: CommandGroup {
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

      Credentials, first found: --api-key, FLYTE_API_KEY (an API key as flyte create api-key \
      prints it; its endpoint and organization come right after --endpoint and --org), the \
      config file's admin.authType ClientSecret (admin.clientId with admin.clientSecretLocation \
      or admin.clientSecretEnvVar) or ExternalCommand (admin.command). They are sent only over \
      TLS unless --allow-insecure-credentials.

      The options below may stand before the verb, as with the official CLI \
      (flyte --endpoint E --org O get cluster-pool, flyte -c FILE -of json get queue), or \
      after the command. --auth-type and --no-progress are accepted for the official CLI's \
      scripts and change nothing here; its options for tasks, images and logs \
      (--image-builder, --log-format, --user-log-level, --reset-root-logger) are unknown options.

      Exit status: 0 on success, 1 when the server or the connection fails, 2 for a usage \
      error (unknown option, missing or bad argument), as with the official CLI.
      """,
    version: BuildInfo.versionLine("flyte"),
    subcommands: [Create.self, Get.self, Update.self, Delete.self, Undelete.self, ApplyCommand.self, DiffCommand.self])

  @OptionGroup var connection: ConnectionOptions
  @OptionGroup var output: OutputOptions

  /// Parses and runs the command; usage errors exit 2 (argument-parser's default is 64).
  static func main() async {
    do {
      var command = try parseAsRoot()
      if var command = command as? AsyncParsableCommand {
        try await command.run()
      } else {
        try command.run()
      }
    } catch {
      exit(withError: error, usageErrorCode: UsageExit.code)
    }
  }
}
