import ArgumentParser
import ClusterPoolServer

/// How the server writes its log.
struct LogOptions: ParsableArguments {
  @Option(help: "Log line format: text (time level label: key=value [source] message) or json (one object per line: time, level, logger, message, then the metadata).")
  var logFormat: ServerLogHandler.Format = .text

  @Option(help: ArgumentHelp("The access log: one line per call at info (label clusterpool.access), on or off.", valueName: "on|off"))
  var accessLog: Switch = .on

  enum Switch: String, ExpressibleByArgument, CaseIterable {
    case on, off
  }
}

extension ServerLogHandler.Format: ExpressibleByArgument {}
