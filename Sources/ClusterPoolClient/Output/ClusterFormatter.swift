internal import ClusterPoolProto
internal import Foundation

/// Renders clusters for people (tables) and programs (JSON, YAML).
public enum ClusterFormatter {
  /// A list of clusters: a table of NAME, POOL, STATE, HEALTH, QUEUES (plus DELETED AT when
  /// any is deleted) under a title naming the organization, or a JSON array / YAML sequence.
  public static func list(_ clusters: [Cluster], format: OutputFormat, organization: String = "") throws -> String {
    switch format {
    case .table, .tableSimple:
      let deleted = clusters.contains { $0.deletedAt != nil }
      var table = TextTable(headers: ["NAME", "POOL", "STATE", "HEALTH", "QUEUES"] + (deleted ? ["DELETED AT"] : []))
      for cluster in clusters {
        table.append(
          [
            cluster.name, dash(cluster.pool), cluster.state?.rawValue ?? "-", cluster.health.rawValue,
            dash(cluster.queues.joined(separator: ",")),
          ] + (deleted ? [cluster.deletedAt.map(ClusterPoolFormatter.timestamp) ?? "-"] : []))
      }
      return OrganizationTitle.titled(
        table.render(), "Clusters", organization: organization, reported: clusters.map(\.organization), format: format)
    case .json:
      return DocumentValue.array(clusters.map(ClusterDocument.value)).json()
    case .jsonRaw:
      return DocumentValue.array(try clusters.map(raw)).json()
    case .yaml:
      return try DocumentValue.yamlStream(clusters.map { DocumentValue.kinded("Cluster", ClusterDocument.value($0)) })
    }
  }

  /// One cluster: labelled lines with its pool, state, health, every unhealthy (drift)
  /// reason on a line of its own, queues and generation under a title naming its organization;
  /// or a JSON object / YAML mapping.
  public static func detail(_ cluster: Cluster, format: OutputFormat, organization: String = "") throws -> String {
    switch format {
    case .table, .tableSimple:
      var lines: [(String, String)] = [
        ("Name", cluster.name),
        ("Organization", dash(cluster.organization)),
        ("Pool", dash(cluster.pool)),
        ("State", cluster.state?.rawValue ?? "-"),
        ("Generation", String(cluster.generation)),
        ("Health", cluster.health.rawValue),
      ]
      if cluster.unhealthyReasons.isEmpty {
        lines.append(("Unhealthy reasons", "(none)"))
      } else {
        for (index, reason) in cluster.unhealthyReasons.enumerated() {
          lines.append((index == 0 ? "Unhealthy reasons" : "", "- \(reason)"))
        }
      }
      lines.append(("Queues", cluster.queues.isEmpty ? "(none)" : cluster.queues.joined(separator: ", ")))
      if let deletedAt = cluster.deletedAt { lines.append(("Deleted at", ClusterPoolFormatter.timestamp(deletedAt))) }
      if let createdBy = cluster.createdBy { lines.append(("Created by", createdBy)) }
      if let updatedBy = cluster.updatedBy { lines.append(("Updated by", updatedBy)) }
      return OrganizationTitle.titled(
        labelled(lines), "Cluster \(cluster.name)", organization: organization, reported: [cluster.organization],
        format: format)
    case .json:
      return ClusterDocument.value(cluster).json()
    case .jsonRaw:
      return DocumentValue.array([try raw(cluster)]).json()
    case .yaml:
      return try DocumentValue.kinded("Cluster", ClusterDocument.value(cluster)).yaml()
    }
  }

  /// The protobuf JSON mapping of the cluster's message, as the official CLI prints it.
  static func raw(_ cluster: Cluster) throws -> DocumentValue {
    guard let message = cluster.message else { throw NoServerMessageError(resource: "cluster \(cluster.name)") }
    return try .protoJSON(message.decode(as: Cloudidl.Cluster.Cluster.self))
  }

  /// `Label:   value` lines aligned on the longest label; an empty label continues the line above.
  static func labelled(_ lines: [(String, String)]) -> String {
    let width = lines.map(\.0.count).max()! + 3  // label, colon, two spaces
    return lines.map { label, value in
      (label.isEmpty ? "".padding(to: width) : (label + ":").padding(to: width)) + value
    }.joined(separator: "\n") + "\n"
  }

  static func dash(_ text: String) -> String { text.isEmpty ? "-" : text }
}
