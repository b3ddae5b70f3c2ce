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
/// UNHEALTHY and takes it out of routing, one `unhealthy_reasons` entry per differing item.
public enum DataPlaneDrift {
  /// One reason per differing item, in a fixed order; empty when the cluster matches.
  public static func reasons(_ reported: ReportedDataPlane, pool: ClusterPoolConfig, poolName: ResourceName) -> [String] {
    func shown(_ text: String) -> String { text.isEmpty ? "(none)" : text }
    let secretName = SecretStoreType(rawValue: reported.secretStoreType)?.name ?? "unknown type \(reported.secretStoreType)"
    let items: [(String, String, String)] = [
      ("object store", reported.objectStoreURI, pool.objectStoreURI),
      ("object store endpoint", reported.objectStoreEndpoint, pool.objectStoreEndpoint),
      ("secret store", secretName, pool.secretStoreType.name),
      ("secret store locator", reported.secretStoreLocator, pool.secretStoreLocator),
      ("image registry", reported.imageRegistry, pool.imageRegistry),
    ]
    return items.compactMap { item, actual, wanted in
      actual == wanted ? nil : "\(item) \(shown(actual)) differs from pool \(poolName)'s \(shown(wanted))"
    }
  }
}
