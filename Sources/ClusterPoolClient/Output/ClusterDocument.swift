/// A cluster as JSON/YAML output: `name`, `organization`, `pool`, `state`, `generation`,
/// `health`, `unhealthy_reasons`, `queues`, then `deleted_at`, `created_by`, `updated_by`
/// when known.
enum ClusterDocument {
  static func value(_ cluster: Cluster) -> DocumentValue {
    var fields: [(String, DocumentValue)] = [
      ("name", .string(cluster.name)),
      ("organization", .string(cluster.organization)),
      ("pool", .string(cluster.pool)),
      ("state", .string(cluster.state?.rawValue ?? "")),
      ("generation", .integer(cluster.generation)),
      ("health", .string(cluster.health.rawValue)),
      ("unhealthy_reasons", .array(cluster.unhealthyReasons.map(DocumentValue.string))),
      ("queues", .array(cluster.queues.map(DocumentValue.string))),
    ]
    if let deletedAt = cluster.deletedAt {
      fields.append(("deleted_at", .string(ClusterPoolFormatter.timestamp(deletedAt))))
    }
    if let createdBy = cluster.createdBy { fields.append(("created_by", .string(createdBy))) }
    if let updatedBy = cluster.updatedBy { fields.append(("updated_by", .string(updatedBy))) }
    return .object(fields)
  }
}
