import ArgumentParser
import ClusterPoolClient

/// Where the control plane is: the flags every command shares.
struct ConnectionOptions: ParsableArguments {
  @Option(help: "Control plane address: HOST:PORT or dns:///HOST:PORT (default: the config file's admin.endpoint).")
  var endpoint: String?

  @Flag(
    inversion: .prefixedNo,
    help: "Cleartext HTTP/2 instead of TLS (default: the config file's admin.insecure).")
  var insecure: Bool?

  @Option(name: .customLong("ca-cert"), help: "PEM file of CA certificates to trust for TLS.")
  var caCert: String?

  @Option(name: [.short, .long], help: "Config file to read; it beats the environment (default: see flyte --help).")
  var config: String?

  @Option(help: "Organization (default: task.org, else derived from the endpoint, else the server's).")
  var org: String?

  @Option(help: "Seconds to wait for each answer of the server (default 30; a watch waits this long for its first one).")
  var timeout: Double?

  @Option(
    help: ArgumentHelp(
      "Answer only from a server that has applied at least this revision (waiting up to --timeout), e.g. the one -v printed for an earlier write through another replica.",
      valueName: "revision"))
  var minRevision: UInt64?

  @Option(
    name: .customLong("api-key"),
    help: ArgumentHelp(
      "API key as flyte create api-key prints it (default: FLYTE_API_KEY, else the config file's admin.authType); sent only over TLS.",
      valueName: "key"))
  var apiKey: String?

  @Flag(help: "Send credentials over a cleartext connection too (where TLS ends in front of the server).")
  var allowInsecureCredentials = false

  mutating func validate() throws {
    if let timeout, !(timeout > 0 && timeout <= 86_400) {
      throw ValidationError("--timeout must be a number of seconds above 0 and at most 86400, not \(timeout)")
    }
  }

  /// The official CLI's other root options (verbosity, queue scope); in this group so that
  /// every command that connects reads them.
  @OptionGroup(title: "Global options") var global: GlobalOptions

  var overrides: ConnectionOverrides {
    var overrides = ConnectionOverrides(
      endpoint: endpoint, insecure: insecure, caCertificatePath: caCert, configPath: config, organization: org)
    overrides.callTimeout = timeout.map { .nanoseconds(Int64(($0 * 1e9).rounded())) }
    overrides.minRevision = minRevision
    overrides.apiKey = apiKey
    overrides.allowInsecureCredentials = allowInsecureCredentials ? true : nil
    return overrides
  }
}
