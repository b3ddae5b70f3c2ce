/// The data-plane configuration a cluster reports it actually uses
/// (`status.operator_cluster_data`).
public struct ReportedDataPlane: Sendable, Hashable {
  public var objectStoreURI: String
  public var objectStoreEndpoint: String
  /// The wire number of the secret store type (0 or unknown numbers are reported as sent).
  public var secretStoreType: Int32
  public var secretStoreLocator: String
  public var imageRegistry: String

  public init(
    objectStoreURI: String = "", objectStoreEndpoint: String = "", secretStoreType: Int32 = 0,
    secretStoreLocator: String = "", imageRegistry: String = ""
  ) {
    self.objectStoreURI = objectStoreURI
    self.objectStoreEndpoint = objectStoreEndpoint
    self.secretStoreType = secretStoreType
    self.secretStoreLocator = secretStoreLocator
    self.imageRegistry = imageRegistry
  }
}

/// Differences between what a cluster reports and its pool's config: any makes the cluster
/// UNHEALTHY and takes it out of routing. The data-plane contract has three items (object
/// store, secret store, image registry), and each differing item is one `unhealthy_reasons`
/// entry naming what was reported and what the pool has, e.g.
/// `secret store AZURE_KEY_VAULT vault-x differs from pool prod's AWS_SECRETS_MANAGER us-east-1`.
public enum DataPlaneDrift {
  /// One reason per differing item, in the order object store, secret store, image registry;
  /// empty when the cluster matches.
  public static func reasons(_ reported: ReportedDataPlane, pool: ClusterPoolConfig, poolName: ResourceName) -> [String] {
    func reason(_ item: String, _ actual: String, _ wanted: String) -> String {
      "\(item) \(actual) differs from pool \(poolName)'s \(wanted)"
    }
    var reasons: [String] = []
    if reported.objectStoreURI != pool.objectStoreURI || reported.objectStoreEndpoint != pool.objectStoreEndpoint {
      reasons.append(
        reason(
          "object store", objectStore(reported.objectStoreURI, endpoint: reported.objectStoreEndpoint),
          objectStore(pool.objectStoreURI, endpoint: pool.objectStoreEndpoint)))
    }
    if reported.secretStoreType != pool.secretStoreType.rawValue || reported.secretStoreLocator != pool.secretStoreLocator {
      let type = SecretStoreType(rawValue: reported.secretStoreType)?.name ?? "(unknown type \(reported.secretStoreType))"
      reasons.append(
        reason(
          "secret store", secretStore(type, locator: reported.secretStoreLocator),
          secretStore(pool.secretStoreType.name, locator: pool.secretStoreLocator)))
    }
    if reported.imageRegistry != pool.imageRegistry {
      reasons.append(reason("image registry", shown(reported.imageRegistry), shown(pool.imageRegistry)))
    }
    return reasons
  }

  /// An object store as reasons show it: its URI, then its endpoint when it has one.
  static func objectStore(_ uri: String, endpoint: String) -> String {
    endpoint.isEmpty ? shown(uri) : "\(shown(uri)) endpoint \(endpoint)"
  }

  /// A secret store as reasons show it: its type, then its locator when it has one.
  static func secretStore(_ type: String, locator: String) -> String {
    locator.isEmpty ? type : "\(type) \(locator)"
  }

  static func shown(_ text: String) -> String { text.isEmpty ? "(none)" : text }
}
