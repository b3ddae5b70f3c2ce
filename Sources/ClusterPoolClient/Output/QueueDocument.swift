/// A queue as JSON/YAML output: `name`, `spec` (the wire's field names; caps as `name: quantity`
/// and `selector: count` mappings), then the read-only
/// `organization`, `state`, `state_generation`, `cluster_managed`, `available_clusters` and
/// the timestamps and authors that are known.
enum QueueDocument {
  static func value(_ queue: Queue) -> DocumentValue {
    let spec = queue.spec
    var fields: [(String, DocumentValue)] = [
      ("name", .string(queue.name)),
      (
        "spec",
        .object([
          ("run_concurrency", .integer(spec.runConcurrency)),
          ("action_concurrency", .integer(spec.actionConcurrency)),
          ("depth", .integer(spec.depth)),
          ("priority", .string(spec.priority?.rawValue ?? "")),
          ("fairness", .string(spec.fairness?.rawValue ?? "")),
          ("scheduling", .string(spec.scheduling?.rawValue ?? "")),
          ("cluster_pool_name", .string(spec.clusterPoolName)),
          ("clusters", .array(spec.clusters.map(DocumentValue.string))),
          ("max_resources", .object(spec.maxResources.map { ($0.resource.rawValue, .string($0.quantity)) })),
          ("max_accelerators", .object(spec.maxAccelerators.map { ($0.selector, .integer($0.count)) })),
        ])
      ),
      ("organization", .string(queue.organization)),
      ("state", .string(queue.state?.rawValue ?? "")),
      ("state_generation", .integer(queue.stateGeneration)),
      ("cluster_managed", .bool(queue.clusterManaged)),
      ("available_clusters", .array(queue.availableClusters.map(DocumentValue.string))),
    ]
    let times = [("created_at", queue.createdAt), ("updated_at", queue.updatedAt), ("deleted_at", queue.deletedAt)]
    for (key, date) in times {
      if let date { fields.append((key, .string(ClusterPoolFormatter.timestamp(date)))) }
    }
    if let createdBy = queue.createdBy { fields.append(("created_by", .string(createdBy))) }
    if let updatedBy = queue.updatedBy { fields.append(("updated_by", .string(updatedBy))) }
    return .object(fields)
  }
}
