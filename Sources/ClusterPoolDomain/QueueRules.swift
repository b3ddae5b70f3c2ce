/// The rules of CreateQueue, UpdateQueue and UndeleteQueue that span pools and clusters, as
/// pure functions of what storage read in the write transaction. (State changes are
/// ``QueueLifecycle``'s.)
public enum QueueRules {
  /// What the organization's shared cluster/queue namespace holds under a name.
  public enum Occupant: Sendable, Hashable {
    /// Nothing live (a deleted cluster's implicit queue frees the name with its cluster).
    case none
    /// A live cluster (it owns the queue of its name), registered into the pool named.
    case liveCluster(pool: ResourceName)
    /// A live queue of its own.
    case liveQueue
    /// A soft-deleted queue of its own: the name stays reserved until it is undeleted.
    case deletedQueue
  }

  /// Validates a queue name.
  public static func name(_ value: String) throws(DomainError) -> ResourceName {
    try ResourceName(validating: value, kind: "queue")
  }

  /// CreateQueue: the name free (`ALREADY_EXISTS` otherwise; `default` always exists), the
  /// pool live (`NOT_FOUND`), the pins live members of it (`FAILED_PRECONDITION`).
  public static func checkCreate(
    _ key: QueueKey, _ spec: QueueSpec, occupant: Occupant, pool: ClusterPool?, liveMembers: [ResourceName]
  ) throws(DomainError) {
    if key.name.isDefault && occupant != .deletedQueue {
      throw DomainError(
        .alreadyExists, "queue \"default\" already exists: every organization has it (change it with flyte update queue default)")
    }
    switch occupant {
    case .none: break
    case .liveCluster(let pool):
      throw DomainError(
        .alreadyExists,
        "cluster \"\(key.name)\" (in cluster pool \"\(pool)\") owns the name \"\(key.name)\": clusters and queues share one "
          + "namespace (each cluster owns a queue of its name); choose another name")
    case .liveQueue:
      throw DomainError(.alreadyExists, "queue \"\(key.name)\" already exists: change it with flyte update queue \(key.name)")
    case .deletedQueue:
      throw DomainError(
        .alreadyExists,
        "queue \"\(key.name)\" exists but is deleted: undelete it (flyte undelete queue \(key.name)) instead of creating it again")
    }
    let poolKey = PoolKey(organization: key.organization, name: spec.poolName)
    _ = try ClusterPoolRules.live(pool, poolKey)
    try checkPins(key.name, spec, liveMembers: liveMembers)
  }

  /// UpdateQueue of `current` (a queue of its own) to `spec`: not deleted (`NOT_FOUND`), the
  /// pool changed only while DRAINED and never for `default` (``QueueLifecycle``'s
  /// `FAILED_PRECONDITION`), the pool live (`NOT_FOUND`), the pins live members of it.
  public static func checkUpdate(
    _ current: Queue, to spec: QueueSpec, pool: ClusterPool?, liveMembers: [ResourceName]
  ) throws(DomainError) {
    let changesPool = spec.poolName != current.spec.poolName
    _ = try current.lifecycle.applying(.update(changesPool: changesPool), name: current.key.name)
    _ = try ClusterPoolRules.live(pool, PoolKey(organization: current.key.organization, name: spec.poolName))
    try checkPins(current.key.name, spec, liveMembers: liveMembers)
  }

  /// UndeleteQueue: a restored queue never points at something gone: its pool must be live
  /// and its pins live members of it (`FAILED_PRECONDITION`, saying what to do; as for an
  /// undeleted cluster).
  public static func checkRestore(_ queue: Queue, pool: ClusterPool?, liveMembers: [ResourceName]) throws(DomainError) {
    let name = queue.key.name
    let poolName = queue.spec.poolName
    guard let pool, !pool.isDeleted else {
      throw DomainError(
        .failedPrecondition,
        "queue \"\(name)\" cannot be undeleted: its cluster pool \"\(poolName)\" "
          + (pool == nil ? "no longer exists" : "is deleted (undelete it first: flyte undelete cluster-pool \(poolName))"))
    }
    try checkPins(name, queue.spec, liveMembers: liveMembers)
  }

  /// Every pin must be a live member of the queue's pool.
  static func checkPins(_ name: ResourceName, _ spec: QueueSpec, liveMembers: [ResourceName]) throws(DomainError) {
    let strangers = spec.clusters.filter { !liveMembers.contains($0) }
    guard !strangers.isEmpty else { return }
    let members = liveMembers.isEmpty ? "it has none" : "its members: " + liveMembers.map(\.value).joined(separator: ", ")
    throw DomainError(
      .failedPrecondition,
      "queue \"\(name)\" cannot be pinned to \(strangers.map { "\"\($0)\"" }.joined(separator: ", ")): pinned clusters must be "
        + "live members of cluster pool \"\(spec.poolName)\" (\(members)); register the cluster into it "
        + "(flyte create cluster NAME --pool \(spec.poolName)) or pin members only")
  }

  /// The rejection of deleting cluster `cluster` while live queues pin it (they would route
  /// nowhere); nil when none does.
  public static func pinnedClusterDelete(_ cluster: ResourceName, pinnedBy queues: [ResourceName]) -> DomainError? {
    guard !queues.isEmpty else { return nil }
    let names = queues.prefix(10).map { "\"\($0)\"" }.joined(separator: ", ") + (queues.count > 10 ? " and \(queues.count - 10) more" : "")
    return DomainError(
      .failedPrecondition,
      "cluster \"\(cluster)\" cannot be deleted: queue\(queues.count == 1 ? "" : "s") \(names) pin\(queues.count == 1 ? "s" : "") it "
        + "and would route nowhere; unpin it first (flyte update queue NAME --edit) or drain and delete those queues")
  }
}
