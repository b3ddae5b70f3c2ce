/// Identifies a pool: its organization and name.
public struct PoolKey: Sendable, Hashable, CustomStringConvertible {
  public var organization: Organization
  public var name: ResourceName

  public init(organization: Organization, name: ResourceName) {
    self.organization = organization
    self.name = name
  }

  public var description: String { "\(organization)/\(name)" }
}

/// A cluster pool: a named group of clusters sharing one data-plane configuration.
public struct ClusterPool: Sendable, Hashable {
  /// Organization and name.
  public var key: PoolKey
  /// The shared data-plane contract.
  public var config: ClusterPoolConfig
  /// Derived: the live clusters registered into the pool, sorted by name.
  public var memberClusters: [ResourceName]
  public var createdAt: Timestamp
  public var updatedAt: Timestamp
  /// Set while the pool is soft-deleted.
  public var deletedAt: Timestamp?
  public var createdBy: Identity
  public var updatedBy: Identity
  /// Increases with every stored change of any pool; caches of derived data compare it.
  /// Zero for a pool that was never stored (an organization's implicit `default`).
  public var revision: UInt64

  public init(
    key: PoolKey, config: ClusterPoolConfig, memberClusters: [ResourceName] = [], createdAt: Timestamp,
    updatedAt: Timestamp, deletedAt: Timestamp? = nil, createdBy: Identity, updatedBy: Identity, revision: UInt64 = 0
  ) {
    self.key = key
    self.config = config
    self.memberClusters = memberClusters
    self.createdAt = createdAt
    self.updatedAt = updatedAt
    self.deletedAt = deletedAt
    self.createdBy = createdBy
    self.updatedBy = updatedBy
    self.revision = revision
  }

  public var organization: Organization { key.organization }
  public var name: ResourceName { key.name }
  /// Whether the pool is soft-deleted.
  public var isDeleted: Bool { deletedAt != nil }
}

/// How an organization's `default` pool looks before anyone changed it: the server's
/// configured data plane, created by the server's identity.
public struct DefaultPoolTemplate: Sendable, Hashable {
  public var config: ClusterPoolConfig
  public var createdBy: Identity
  public var createdAt: Timestamp

  public init(config: ClusterPoolConfig, createdBy: Identity, createdAt: Timestamp) {
    self.config = config
    self.createdBy = createdBy
    self.createdAt = createdAt
  }

  /// The `default` pool of `organization`.
  public func pool(for organization: Organization) -> ClusterPool {
    ClusterPool(
      key: PoolKey(organization: organization, name: .defaultName), config: config, createdAt: createdAt,
      updatedAt: createdAt, createdBy: createdBy, updatedBy: createdBy)
  }
}
