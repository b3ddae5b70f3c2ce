import ArgumentParser
import ClusterPoolClient

/// `-o/--output` of every `get`, also spelled `-of/--output-format` as the official CLI does
/// (a root option there: `flyte -of json get queue`). Values are `OutputFormat`'s raw values.
struct OutputOptions: ParsableArguments {
  @Option(
    name: [.short, .long, .customLong("output-format"), .customLong("of", withSingleDash: true)],
    help: "Output format: table, json or yaml.")
  var output: OutputFormat = .table
}

extension OutputFormat: ExpressibleByArgument {
  /// A raw value in any case (`-of JSON`), as the official CLI's `-of` takes it.
  public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}
