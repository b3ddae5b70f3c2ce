/// Where a command's options come from besides its command line: a YAML file (`--config FILE`
/// or `PREFIX_CONFIG`) and `PREFIX_*` environment variables. ``resolve(_:)`` merges them into
/// the argument list the parser reads, so that each value goes through the very parsing and
/// validation its flag does. Precedence: flag > environment > file > default.
public struct ConfigSources: Sendable {
  /// The command line, without the program name.
  public var arguments: [String]
  /// The process environment.
  public var environment: [String: String]
  /// The environment variables' prefix, e.g. `CLUSTERPOOL_` (`--oidc-issuer` is
  /// `CLUSTERPOOL_OIDC_ISSUER`).
  public var prefix: String
  /// The option naming the configuration file (`--config`); its variable is `PREFIX_CONFIG`.
  public var fileOption = "config"
  /// The flag asking for the effective configuration (`--print-config`).
  public var printOption = "print-config"
  /// Variables with the prefix that are not options, read elsewhere (a password).
  public var otherVariables: Set<String> = []
  /// Prefixes of variables left alone (a test harness's own, say).
  public var ignoredPrefixes: [String] = []
  /// Keys a command never takes from a file or the environment, by command path
  /// (`["migrate"]: ["database"]`: the file's database is the server's, not migrate's).
  public var notFromConfiguration: [[String]: Set<String>] = [:]
  /// Reads the configuration file.
  public var readFile: @Sendable (String) throws -> String

  public init(
    arguments: [String], environment: [String: String], prefix: String,
    readFile: @escaping @Sendable (String) throws -> String
  ) {
    self.arguments = arguments
    self.environment = environment
    self.prefix = prefix
    self.readFile = readFile
  }

  /// Whether anything but the command line may set an option (or `--print-config` is asked
  /// for): when false, the command line is used as it is and no catalog is needed.
  public var isNeeded: Bool {
    for argument in arguments.prefix(while: { $0 != "--" }) {
      let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
      if name == "--" + fileOption || name == "--" + printOption { return true }
    }
    return environment.keys.contains { variable in
      variable.hasPrefix(prefix) && !otherVariables.contains(variable) && !ignoredPrefixes.contains { variable.hasPrefix($0) }
    }
  }

  /// The variable of `key`: `oidc-issuer` is `PREFIX_OIDC_ISSUER`.
  public func variable(for key: String) -> String {
    prefix + key.uppercased().replacing("-", with: "_")
  }
}
