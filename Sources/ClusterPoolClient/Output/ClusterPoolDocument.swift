/// A pool as JSON/YAML output: the manifest's keys (`name`, `config`) then the read-only
/// ones (`organization`, `member_clusters`, `deleted_at`, `created_by`, `updated_by`), in
/// the order and spelling of the user docs.
enum ClusterPoolDocument {
  static func value(_ pool: ClusterPool) -> DocumentValue {
    var fields: [(String, DocumentValue)] = [
      ("name", .string(pool.name)),
      (
        "config",
        .object([
          (
            "object_store_ref",
            .object([("uri", .string(pool.objectStoreURI)), ("endpoint", .string(pool.objectStoreEndpoint))])
          ),
          (
            "secret_store",
            .object([
              ("type", .string(pool.secretStoreType?.rawValue ?? "")), ("locator", .string(pool.secretStoreLocator)),
            ])
          ),
          ("image_registry", .object([("locator", .string(pool.imageRegistry))])),
        ])
      ),
      ("organization", .string(pool.organization)),
      ("member_clusters", .array(pool.memberClusters.map(DocumentValue.string))),
    ]
    if let deletedAt = pool.deletedAt { fields.append(("deleted_at", .string(ClusterPoolFormatter.timestamp(deletedAt)))) }
    if let createdBy = pool.createdBy { fields.append(("created_by", .string(createdBy))) }
    if let updatedBy = pool.updatedBy { fields.append(("updated_by", .string(updatedBy))) }
    return .object(fields)
  }
}
