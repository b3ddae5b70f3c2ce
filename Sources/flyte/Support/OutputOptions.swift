import ArgumentParser
import ClusterPoolClient

/// `-o/--output` of every `get`.
struct OutputOptions: ParsableArguments {
  @Option(name: [.short, .long], help: "Output format: table, json or yaml.")
  var output: OutputFormat = .table
}

extension OutputFormat: ExpressibleByArgument {}
