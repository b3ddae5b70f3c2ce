internal import Foundation

/// A pool as JSON/YAML output: the manifest's keys plus the read-only ones, snake_case, in
/// the order of the user docs.
struct ClusterPoolDocument: Encodable {
  struct Config: Encodable {
    struct ObjectStoreRef: Encodable { var uri, endpoint: String }
    struct SecretStore: Encodable { var type, locator: String }
    struct ImageRegistry: Encodable { var locator: String }
    var objectStoreRef: ObjectStoreRef
    var secretStore: SecretStore
    var imageRegistry: ImageRegistry

    enum CodingKeys: String, CodingKey {
      case objectStoreRef = "object_store_ref", secretStore = "secret_store", imageRegistry = "image_registry"
    }
  }

  var name: String
  var organization: String
  var config: Config
  var memberClusters: [String]
  var deletedAt: String?
  var createdBy: String?
  var updatedBy: String?

  enum CodingKeys: String, CodingKey {
    case name, organization, config, memberClusters = "member_clusters", deletedAt = "deleted_at"
    case createdBy = "created_by", updatedBy = "updated_by"
  }

  init(_ pool: ClusterPool) {
    name = pool.name
    organization = pool.organization
    config = Config(
      objectStoreRef: .init(uri: pool.objectStoreURI, endpoint: pool.objectStoreEndpoint),
      secretStore: .init(type: pool.secretStoreType?.rawValue ?? "", locator: pool.secretStoreLocator),
      imageRegistry: .init(locator: pool.imageRegistry))
    memberClusters = pool.memberClusters
    deletedAt = pool.deletedAt.map(ClusterPoolFormatter.timestamp)
    createdBy = pool.createdBy
    updatedBy = pool.updatedBy
  }
}
