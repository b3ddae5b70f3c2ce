/// The rules of a CreateCluster (and of an UpdateCluster, which is a move), as pure functions
/// of what storage read in the write transaction.
public enum ClusterRegistration {
  /// Validates a new cluster's name: the name rules, and `default` is reserved.
  public static func name(_ value: String) throws(DomainError) -> ResourceName {
    let name = try ResourceName(validating: value, kind: "cluster")
    guard !name.isDefault else {
      throw .invalid("\"default\" is reserved (the organization's default pool and queue) and cannot name a cluster: choose another name")
    }
    return name
  }

  /// What storage found under a name in the organization's shared cluster/queue namespace.
  public enum Occupant: Sendable, Hashable {
    /// Nothing live: the name is free.
    case none
    /// A live cluster, registered into the pool named.
    case cluster(pool: ResourceName)
    /// A live queue that is not a cluster's implicit queue.
    case queue
    /// A deleted queue of its own: its name stays reserved until it is undeleted.
    case deletedQueue
  }

  /// Checks registering `name` into `pool` (the live-or-deleted stored pool of `key`, nil when
  /// there is none), with `occupant` holding the name now. A live cluster asked into another
  /// pool is `FAILED_PRECONDITION` with the drain–delete–re-register instruction; into the
  /// same pool `ALREADY_EXISTS`; a queue of that name `ALREADY_EXISTS`; a missing or deleted
  /// pool `NOT_FOUND`.
  public static func check(
    _ name: ResourceName, into key: PoolKey, pool: ClusterPool?, occupant: Occupant
  ) throws(DomainError) {
    switch occupant {
    case .cluster(let current) where current != key.name:
      throw moveRejected(name, from: current, to: key.name)
    case .cluster:
      throw DomainError(.alreadyExists, "cluster \"\(name)\" is already registered into cluster pool \"\(key.name)\"")
    case .queue:
      throw DomainError(
        .alreadyExists,
        "queue \"\(name)\" already exists: clusters and queues share one namespace (each cluster owns a queue of its name); choose another name")
    case .deletedQueue:
      throw DomainError(
        .alreadyExists,
        "queue \"\(name)\" exists but is deleted, and keeps its name until it is undeleted: clusters and queues share one "
          + "namespace (each cluster owns a queue of its name); choose another name")
    case .none:
      _ = try ClusterPoolRules.live(pool, key)
    }
  }

  /// Checks undeleting the cluster `name` into its pool `key` (the stored pool, nil when
  /// there is none), `queueHoldsName` when a queue of its own (live, or deleted and so still
  /// holding the name) took its name meanwhile: that queue is `ALREADY_EXISTS`; a pool that is gone or deleted `FAILED_PRECONDITION`, saying what to do.
  public static func checkUndelete(
    _ name: ResourceName, into key: PoolKey, pool: ClusterPool?, queueHoldsName: Bool
  ) throws(DomainError) {
    if queueHoldsName {
      throw DomainError(
        .alreadyExists,
        "cluster \"\(name)\" cannot be undeleted: queue \"\(name)\" took its name meanwhile (clusters and queues share one "
          + "namespace, and a deleted queue keeps its name); register the cluster under another name")
    }
    guard let pool, !pool.isDeleted else {
      throw DomainError(
        .failedPrecondition,
        "cluster \"\(name)\" cannot be undeleted: its cluster pool \"\(key.name)\" "
          + (pool == nil ? "no longer exists" : "is deleted (undelete it first: flyte undelete cluster-pool \(key.name))")
          + "; or register the cluster into another pool (flyte create cluster \(name) --pool POOL)")
    }
  }

  /// The rejection of moving a live cluster in place (a registration into another pool, or
  /// an UpdateCluster naming one).
  public static func moveRejected(_ name: ResourceName, from current: ResourceName, to requested: ResourceName) -> DomainError {
    DomainError(
      .failedPrecondition,
      "cluster \"\(name)\" is registered into cluster pool \"\(current)\" and cannot move to \"\(requested)\" in place: "
        + "drain it (flyte update cluster \(name) --drain), delete it (flyte delete cluster \(name)), "
        + "then register it again (flyte create cluster \(name) --pool \(requested))")
  }
}
