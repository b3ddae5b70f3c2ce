internal import Foundation

/// Renders queues for people (tables) and programs (JSON, YAML).
public enum QueueFormatter {
  /// A list of queues: a table of NAME, POOL, STATE, RUNS, ACTIONS, PRIORITY, AVAILABLE
  /// CLUSTERS, MANAGED (`cluster` for a cluster's implicit queue), plus DELETED AT when any is
  /// deleted; or a JSON array / YAML sequence.
  public static func list(_ queues: [Queue], format: OutputFormat) throws -> String {
    switch format {
    case .table:
      let deleted = queues.contains { $0.deletedAt != nil }
      var table = TextTable(
        headers: ["NAME", "POOL", "STATE", "RUNS", "ACTIONS", "PRIORITY", "AVAILABLE CLUSTERS", "MANAGED"]
          + (deleted ? ["DELETED AT"] : []))
      for queue in queues {
        table.append(
          [
            queue.name, queue.pool, queue.state?.rawValue ?? "-", String(queue.spec.runConcurrency),
            String(queue.spec.actionConcurrency), queue.spec.priority?.rawValue ?? "-",
            ClusterFormatter.dash(queue.availableClusters.joined(separator: ",")), queue.clusterManaged ? "cluster" : "-",
          ] + (deleted ? [queue.deletedAt.map(ClusterPoolFormatter.timestamp) ?? "-"] : []))
      }
      return table.render()
    case .json:
      return DocumentValue.array(queues.map(QueueDocument.value)).json()
    case .yaml:
      return try DocumentValue.array(queues.map(QueueDocument.value)).yaml()
    }
  }

  /// A limit as people read it: 0 is no limit.
  static func limit(_ value: UInt32) -> String { value == 0 ? "no limit" : String(value) }

  /// One queue: labelled lines with its spec, state and routing; or a JSON object / YAML mapping.
  public static func detail(_ queue: Queue, format: OutputFormat) throws -> String {
    switch format {
    case .table:
      let spec = queue.spec
      var lines: [(String, String)] = [
        ("Name", queue.name),
        ("Organization", ClusterFormatter.dash(queue.organization)),
        ("Pool", queue.pool),
        ("State", queue.state?.rawValue ?? "-"),
        ("State generation", String(queue.stateGeneration)),
        ("Cluster-managed", queue.clusterManaged ? "yes (the implicit queue of cluster \"\(queue.name)\")" : "no"),
        ("Run concurrency", limit(spec.runConcurrency)),
        ("Action concurrency", limit(spec.actionConcurrency)),
        ("Depth", limit(spec.depth)),
        ("Priority", spec.priority?.rawValue ?? "-"),
        ("Fairness", spec.fairness?.rawValue ?? "-"),
        ("Scheduling", spec.scheduling?.rawValue ?? "-"),
        ("Max resources", spec.maxResources.isEmpty ? "(no cap)" : spec.maxResources.map(\.description).joined(separator: ", ")),
        (
          "Max accelerators",
          spec.maxAccelerators.isEmpty ? "(no cap)" : spec.maxAccelerators.map(\.description).joined(separator: ", ")
        ),
        ("Pinned clusters", spec.clusters.isEmpty ? "(none: every active, healthy pool member)" : spec.clusters.joined(separator: ", ")),
        ("Available clusters", queue.availableClusters.isEmpty ? "(none)" : queue.availableClusters.joined(separator: ", ")),
      ]
      if let createdAt = queue.createdAt { lines.append(("Created at", ClusterPoolFormatter.timestamp(createdAt))) }
      if let updatedAt = queue.updatedAt { lines.append(("Updated at", ClusterPoolFormatter.timestamp(updatedAt))) }
      if let deletedAt = queue.deletedAt { lines.append(("Deleted at", ClusterPoolFormatter.timestamp(deletedAt))) }
      if let createdBy = queue.createdBy { lines.append(("Created by", createdBy)) }
      if let updatedBy = queue.updatedBy { lines.append(("Updated by", updatedBy)) }
      return ClusterFormatter.labelled(lines)
    case .json:
      return QueueDocument.value(queue).json()
    case .yaml:
      return try QueueDocument.value(queue).yaml()
    }
  }
}
