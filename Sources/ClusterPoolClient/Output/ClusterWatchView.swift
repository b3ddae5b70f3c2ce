/// The text of a live cluster view (`flyte get cluster --watch`): feed it each event of
/// `Cluster.watch()` and print what it returns.
///
/// - `redraw` (a terminal): the whole current table after a clear-screen, every time.
/// - otherwise, `.table`: the first table, then one row per changed cluster in the same
///   columns without the header (deleted clusters show once, as DELETED, then leave the view),
///   so the output can be piped and followed.
/// - `.json` / `.yaml`: the snapshot as a list, then each change's clusters as a list.
/// - `.jsonRaw`: an error (a watch receives cluster summaries, not the cluster messages
///   json-raw prints).
public struct ClusterWatchView: Sendable {
  /// The output format.
  public var format: OutputFormat
  /// Only the cluster of this exact name (the watch itself filters by containment).
  public var name: String?
  /// Redraw the whole table for every event (for a terminal).
  public var redraw: Bool
  /// The live clusters shown, by name.
  public private(set) var current: [String: Cluster] = [:]

  /// A view with nothing shown yet.
  public init(format: OutputFormat, name: String? = nil, redraw: Bool) {
    self.format = format
    self.name = name
    self.redraw = redraw
  }

  static let clearScreen = "\u{1B}[H\u{1B}[2J"

  /// Applies `event` to the view and returns the text to print (possibly empty).
  public mutating func apply(_ event: ClusterWatchEvent) throws -> String {
    let changed = event.clusters.filter { name == nil || $0.name == name }
    if event.kind == .snapshot { current = [:] }
    for cluster in changed { current[cluster.name] = cluster.isDeleted ? nil : cluster }
    let all = current.values.sorted { $0.name < $1.name }
    switch format {
    case .jsonRaw:
      throw WatchFormatError()
    case .json, .yaml:
      guard event.kind == .snapshot || !changed.isEmpty else { return "" }
      return try ClusterFormatter.list(event.kind == .snapshot ? all : changed, format: format)
    case .table where redraw, .tableSimple where redraw:
      let table = all.isEmpty ? "No clusters.\n" : try ClusterFormatter.list(all, format: .tableSimple)
      return Self.clearScreen + table + "\nWatching for changes (Ctrl-C to stop).\n"
    case .table, .tableSimple:
      if event.kind == .snapshot { return try ClusterFormatter.list(all, format: .tableSimple) }  // the header alone when empty
      guard !changed.isEmpty else { return "" }
      let table = try ClusterFormatter.list(changed, format: .tableSimple)
      return String(table.drop { $0 != "\n" }.dropFirst())
    }
  }
}

/// `-o json-raw` asked of a watch.
struct WatchFormatError: Error, CustomStringConvertible {
  var description: String {
    "-o json-raw prints the server's cluster messages, and a watch receives summaries of them: use -o json or yaml with --watch"
  }
}
