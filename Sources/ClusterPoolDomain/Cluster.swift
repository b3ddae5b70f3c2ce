/// Identifies a cluster (and its implicit queue): its organization and name.
public struct ClusterKey: Sendable, Hashable, CustomStringConvertible {
  public var organization: Organization
  public var name: ResourceName

  public init(organization: Organization, name: ResourceName) {
    self.organization = organization
    self.name = name
  }

  public var description: String { "\(organization)/\(name)" }
}

/// A data-plane cluster registered into one pool. It cannot move in place: to change pools
/// it is drained, deleted and registered again.
public struct Cluster: Sendable, Hashable {
  /// Organization and name.
  public var key: ClusterKey
  /// The pool it is registered into.
  public var poolName: ResourceName
  /// State, generation, and whether the data plane ever reported.
  public var lifecycle: ClusterLifecycle
  public var createdAt: Timestamp
  public var updatedAt: Timestamp
  /// Set once the cluster is deleted.
  public var deletedAt: Timestamp?
  public var createdBy: Identity
  public var updatedBy: Identity

  public init(
    key: ClusterKey, poolName: ResourceName, lifecycle: ClusterLifecycle = .registered, createdAt: Timestamp,
    updatedAt: Timestamp, deletedAt: Timestamp? = nil, createdBy: Identity, updatedBy: Identity
  ) {
    self.key = key
    self.poolName = poolName
    self.lifecycle = lifecycle
    self.createdAt = createdAt
    self.updatedAt = updatedAt
    self.deletedAt = deletedAt
    self.createdBy = createdBy
    self.updatedBy = updatedBy
  }

  /// The pool it belongs to.
  public var poolKey: PoolKey { PoolKey(organization: key.organization, name: poolName) }
  /// Whether it is live (a member of its pool, its name taken).
  public var isLive: Bool { lifecycle.isLive }
}
