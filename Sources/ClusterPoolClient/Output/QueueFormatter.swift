internal import Foundation

/// Renders queues for people (tables) and programs (JSON, YAML).
public enum QueueFormatter {
  /// A list of queues: a table of NAME, POOL, STATE, RUNS, ACTIONS (`no limit` for 0, as in
  /// the detail view), PRIORITY, AVAILABLE CLUSTERS, MANAGED (`cluster` for a cluster's
  /// implicit queue), plus DELETED AT when any is deleted, under a title naming the
  /// organization; or a JSON array / YAML sequence.
  public static func list(_ queues: [Queue], format: OutputFormat, organization: String = "") throws -> String {
    switch format {
    case .table, .tableSimple:
      let deleted = queues.contains { $0.deletedAt != nil }
      var table = TextTable(
        headers: ["NAME", "POOL", "STATE", "RUNS", "ACTIONS", "PRIORITY", "AVAILABLE CLUSTERS", "MANAGED"]
          + (deleted ? ["DELETED AT"] : []))
      for queue in queues {
        table.append(
          [
            queue.name, queue.pool, queue.state?.rawValue ?? "-", limit(queue.spec.runConcurrency),
            limit(queue.spec.actionConcurrency), queue.spec.priority?.rawValue ?? "-",
            ClusterFormatter.dash(queue.availableClusters.joined(separator: ",")), queue.clusterManaged ? "cluster" : "-",
          ] + (deleted ? [queue.deletedAt.map(ClusterPoolFormatter.timestamp) ?? "-"] : []))
      }
      return OrganizationTitle.titled(
        table.render(), "Queues", organization: organization, reported: queues.map(\.organization), format: format)
    case .json:
      return DocumentValue.array(queues.map(QueueDocument.value)).json()
    case .jsonRaw:
      return DocumentValue.array(try queues.map(QueueRawDocument.value)).json()
    case .yaml:
      return try DocumentValue.yamlStream(queues.map { DocumentValue.kinded("Queue", QueueDocument.value($0)) })
    }
  }

  /// A limit as people read it: 0 is no limit.
  static func limit(_ value: UInt32) -> String { value == 0 ? "no limit" : String(value) }

  /// One queue: labelled lines with its spec, state and routing under a title naming its
  /// organization; or a JSON object / YAML mapping.
  public static func detail(_ queue: Queue, format: OutputFormat, organization: String = "") throws -> String {
    switch format {
    case .table, .tableSimple:
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
      return OrganizationTitle.titled(
        ClusterFormatter.labelled(lines), "Queue \(queue.name)", organization: organization,
        reported: [queue.organization], format: format)
    case .json:
      return QueueDocument.value(queue).json()
    case .jsonRaw:
      return DocumentValue.array([try QueueRawDocument.value(queue)]).json()
    case .yaml:
      return try DocumentValue.kinded("Queue", QueueDocument.value(queue)).yaml()
    }
  }
}
