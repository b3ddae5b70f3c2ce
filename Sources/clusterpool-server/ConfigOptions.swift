import ArgumentParser

/// `--config FILE` and `--print-config`: read by ``ServerCommand/main()`` before parsing (the
/// file's and the environment's values join the command line there); declared here so that
/// the parser accepts them, with every command, and the help lists them.
struct ConfigOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      """
      A YAML file of options: each key a flag's name without dashes (port: 8089, \
      oidc-issuer: https://...), true or false for a flag, a list for a repeatable option. \
      Every option is also read from CLUSTERPOOL_<NAME> (CLUSTERPOOL_OIDC_ISSUER; the file from \
      CLUSTERPOOL_CONFIG). Precedence: flags, then the environment, then the file, then the \
      defaults. An unknown key or variable is an error.
      """, valueName: "file"))
  var config: String?

  @Flag(help: "Print the effective configuration (YAML: each value and where it came from, secrets masked) and exit.")
  var printConfig = false
}
