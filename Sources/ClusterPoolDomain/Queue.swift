/// Identifies a queue: its organization and name. Queues share one namespace with clusters
/// (each cluster owns the queue of its name).
public struct QueueKey: Sendable, Hashable, CustomStringConvertible {
  public var organization: Organization
  public var name: ResourceName

  public init(organization: Organization, name: ResourceName) {
    self.organization = organization
    self.name = name
  }

  /// The cluster that would own this name.
  public var clusterKey: ClusterKey { ClusterKey(organization: organization, name: name) }

  public var description: String { "\(organization)/\(name)" }
}

/// A queue stored on its own: one made by CreateQueue, or an organization's `default` queue.
/// (A cluster's implicit queue is not a `Queue` value: it follows its cluster and is read from
/// the cluster.)
public struct Queue: Sendable, Hashable {
  /// Organization and name.
  public var key: QueueKey
  /// Limits, ordering, pool and pins.
  public var spec: QueueSpec
  /// State and `state_generation`.
  public var lifecycle: QueueLifecycle
  public var createdAt: Timestamp
  public var updatedAt: Timestamp
  /// Set once the queue is deleted.
  public var deletedAt: Timestamp?
  public var createdBy: Identity
  public var updatedBy: Identity

  public init(
    key: QueueKey, spec: QueueSpec, lifecycle: QueueLifecycle = QueueLifecycle(), createdAt: Timestamp, updatedAt: Timestamp,
    deletedAt: Timestamp? = nil, createdBy: Identity, updatedBy: Identity
  ) {
    self.key = key
    self.spec = spec
    self.lifecycle = lifecycle
    self.createdAt = createdAt
    self.updatedAt = updatedAt
    self.deletedAt = deletedAt
    self.createdBy = createdBy
    self.updatedBy = updatedBy
  }

  /// The pool the queue routes into.
  public var poolKey: PoolKey { PoolKey(organization: key.organization, name: spec.poolName) }
  /// Whether it is live (not deleted).
  public var isLive: Bool { lifecycle.isLive }
  /// Whether this is the organization's `default` queue.
  public var isDefault: Bool { key.name.isDefault }

  /// The `default` queue of `pool`'s organization (`pool` is that organization's `default`
  /// pool) before anyone changed it: no limits of its own, routing to every member of the
  /// `default` pool, created with the pool.
  public static func defaultQueue(of pool: ClusterPool) -> Queue {
    Queue(
      key: QueueKey(organization: pool.organization, name: .defaultName), spec: QueueSpec(poolName: .defaultName),
      createdAt: pool.createdAt, updatedAt: pool.createdAt, createdBy: pool.createdBy, updatedBy: pool.createdBy)
  }
}
