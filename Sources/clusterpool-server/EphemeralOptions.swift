import ArgumentParser

/// `--ephemeral`: a throwaway server for tests in any language. The store is in memory (nothing
/// is written to disk but the config file), the port is 0 unless `--port` is given, and a
/// `flyte` config file for the server (read by this project's CLI and by the official one) is
/// written before `listening on HOST:PORT` is printed, and removed when the server exits.
struct EphemeralOptions: ParsableArguments {
  @Flag(
    help: """
      Serve from an in-memory store (no --database), on a free port unless --port is given; \
      print "flyte config PATH" then "listening on HOST:PORT", and remove the config file on exit.
      """)
  var ephemeral = false

  @Option(help: "Where --ephemeral writes the flyte config file. Default: a new temporary folder (removed on exit).")
  var ephemeralConfig: String?

  func validate() throws {
    if ephemeralConfig != nil, !ephemeral { throw ValidationError("--ephemeral-config goes with --ephemeral") }
  }

  /// Whether `arguments` (the command line with the configuration file's and environment's
  /// options joined) name `option` (`--port`, `--port=9000`).
  static func names(_ option: String, in arguments: [String]) -> Bool {
    arguments.contains { $0 == option || $0.hasPrefix(option + "=") }
  }
}
