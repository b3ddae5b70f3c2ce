import ClusterPoolClient
import Foundation

/// The live view of `flyte get cluster --watch`. On a terminal the table is redrawn after
/// every change; otherwise the first table is printed, then one row per changed cluster (in
/// the same columns, without the header), so the output can be piped and followed.
struct ClusterWatchView {
  var format: OutputFormat
  /// Only this cluster (the watch filters by name containment; this keeps the exact name).
  var name: String?
  var redraw = isatty(STDOUT_FILENO) != 0

  func run(_ events: AsyncThrowingStream<ClusterWatchEvent, any Error>) async throws {
    var current: [String: Cluster] = [:]
    for try await event in events {
      let clusters = event.clusters.filter { name == nil || $0.name == name }
      if event.kind == .snapshot { current = [:] }
      for cluster in clusters {
        current[cluster.name] = cluster.isDeleted ? nil : cluster
      }
      Terminal.write(try render(event.kind, changed: clusters, current: current))
    }
  }

  func render(_ kind: ClusterWatchEvent.Kind, changed: [Cluster], current: [String: Cluster]) throws -> String {
    let all = current.values.sorted { $0.name < $1.name }
    switch format {
    case .json, .yaml:
      return try ClusterFormatter.list(kind == .snapshot ? all : changed, format: format)
    case .table where redraw:
      let table = all.isEmpty ? "No clusters.\n" : try ClusterFormatter.list(all, format: .table)
      return "\u{1B}[H\u{1B}[2J" + table + "\nWatching for changes (Ctrl-C to stop).\n"
    case .table:
      if kind == .snapshot {
        return try ClusterFormatter.list(all, format: .table)  // the header alone when there are none
      }
      guard !changed.isEmpty else { return "" }
      let table = try ClusterFormatter.list(changed, format: .table)
      return String(table.drop { $0 != "\n" }.dropFirst())  // without the header line
    }
  }
}
