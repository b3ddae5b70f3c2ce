internal import ClusterPoolDomain

/// The queue row every cluster owns under its name: routing to the cluster's pool, live
/// exactly when the cluster is, flagged cluster-managed so that its lifecycle refuses changes
/// of its own. Its `state_generation` counts its changes of state.
enum ImplicitQueue {
  /// The implicit queue row of `cluster`, replacing `existing` (the row stored under its
  /// name, if any: its creation, spec and generation carry on).
  static func of(_ cluster: Cluster, replacing existing: Queue?) -> Queue {
    let state: QueueState = cluster.isLive ? .active : .deleted
    var queue =
      existing
      ?? Queue(
        key: QueueKey(cluster.key), spec: QueueSpec(poolName: cluster.poolName),
        lifecycle: QueueLifecycle(state: state, generation: 1, clusterManaged: true), createdAt: cluster.createdAt,
        updatedAt: cluster.updatedAt, createdBy: cluster.createdBy, updatedBy: cluster.updatedBy)
    if queue.lifecycle.state != state { queue.lifecycle.generation += 1 }
    queue.spec.poolName = cluster.poolName
    queue.lifecycle.state = state
    queue.lifecycle.clusterManaged = true
    queue.updatedAt = cluster.updatedAt
    queue.deletedAt = cluster.deletedAt
    queue.updatedBy = cluster.updatedBy
    return queue
  }
}
