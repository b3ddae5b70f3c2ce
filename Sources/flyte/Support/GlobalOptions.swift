import ArgumentParser
import ClusterPoolClient

/// The official CLI's root options that are not about the connection or the output format:
/// verbosity, the queue scope, and the ones accepted for its scripts (`--auth-type`,
/// `--no-progress`). Parsed by the root command wherever they appear, so
/// `flyte -v --project p get queue` and `flyte get queue -v --project p` are the same.
/// The official root options about running tasks, building images and their logs
/// (`--image-builder`, `--builder`, `--log-format`, `--user-log-level`, `--reset-root-logger`)
/// have no meaning here and are refused as unknown options.
struct GlobalOptions: ParsableArguments {
  @Flag(
    name: [.short, .long],
    help: "Say more on errors (repeatable): -v adds the endpoint and organization, -vv the status code.")
  var verbose: Int

  @Option(help: "Queue commands: the project to scope the queue to (the server keeps organization-scoped queues only).")
  var project: String?

  @Option(help: "Queue commands: the domain to scope the queue to (the server keeps organization-scoped queues only).")
  var domain: String?

  @Option(
    help: ArgumentHelp(
      "Accepted for the official CLI's scripts and ignored: credentials come from --api-key, FLYTE_API_KEY or the config file's admin.authType.",
      valueName: "type"))
  var authType: AuthType?

  @Flag(help: "Accepted for the official CLI's scripts: this CLI never shows a progress spinner.")
  var noProgress = false

  /// Whether `--project` or `--domain` was given (with a non-empty value).
  var hasScope: Bool { !(project ?? "").isEmpty || !(domain ?? "").isEmpty }

  /// The queue scope `--project` and `--domain` give.
  var queueScope: QueueScope { QueueScope(project: project, domain: domain) }
}

/// The official CLI's `--auth-type` values (flyte 2.12.1, compared ignoring case), so a script
/// passing one parses here.
struct AuthType: ExpressibleByArgument {
  static let names = [
    "client-secret", "client_secret", "clientsecret", "app-credential", "app_credential", "headless", "device-flow",
    "device_flow", "pkce", "external-command", "external_command", "externalcommand", "command", "custom",
  ]
  static var allValueStrings: [String] { names }

  var name: String

  init?(argument: String) {
    guard Self.names.contains(argument.lowercased()) else { return nil }
    name = argument.lowercased()
  }
}
