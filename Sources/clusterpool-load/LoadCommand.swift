import ArgumentParser

/// `clusterpool-load`: the load drivers of `tools/bench`'s cluster modes (never a test):
/// many WatchClusters watchers, or many clusters heartbeating, over a few HTTP/2 connections.
@main
struct LoadCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "clusterpool-load",
    abstract: "Load drivers for tools/bench: WatchClusters watchers, simulated heartbeating clusters; auth cost in process.",
    subcommands: [
      WatchersCommand.self, HeartbeatsCommand.self, GetBodyCommand.self, VerifyTokensCommand.self, AuthGateCommand.self,
    ])
}

/// Where to connect and over how many connections.
struct TargetOptions: ParsableArguments {
  @Option(help: "Server address, HOST:PORT.")
  var target = "127.0.0.1:8089"

  @Option(help: "HTTP/2 connections to spread the calls over.")
  var connections = 4

  @Option(help: "Organization of the calls (empty: the server's default).")
  var organization = ""
}
