internal import ClusterPoolDomain

/// A queue as reads see it: one of its own (CreateQueue's, or the organization's `default`),
/// or a cluster's implicit queue, which is read from its cluster so that it always follows it
/// (same name and pool, routing to that cluster, its state and generation the cluster's).
enum QueueEntry: Sendable, Equatable {
  case own(Queue)
  case implicit(Cluster)

  var name: ResourceName {
    switch self {
    case .own(let queue): queue.key.name
    case .implicit(let cluster): cluster.key.name
    }
  }

  var organization: Organization {
    switch self {
    case .own(let queue): queue.key.organization
    case .implicit(let cluster): cluster.key.organization
    }
  }

  var poolName: ResourceName {
    switch self {
    case .own(let queue): queue.spec.poolName
    case .implicit(let cluster): cluster.poolName
    }
  }

  var isLive: Bool {
    switch self {
    case .own(let queue): queue.isLive
    case .implicit(let cluster): cluster.isLive
    }
  }

  /// The wire state's name without its prefix (`ACTIVE`, `DRAINED`, ...).
  var stateName: String {
    switch self {
    case .own(let queue): queue.lifecycle.state.description
    case .implicit(let cluster): cluster.lifecycle.state.description
    }
  }

  /// The clusters it is pinned to (an implicit queue: its cluster); empty for every member.
  var pins: [ResourceName] {
    switch self {
    case .own(let queue): queue.spec.clusters
    case .implicit(let cluster): [cluster.key.name]
    }
  }

  /// What a name shows when both a queue of its own and a cluster were stored under it (one of
  /// them deleted, the name freed and taken again): the live one, else the latest deleted.
  static func resolve(own: Queue?, cluster: Cluster?) -> QueueEntry? {
    switch (own, cluster) {
    case (nil, nil): return nil
    case (let queue?, nil): return .own(queue)
    case (nil, let cluster?): return .implicit(cluster)
    case (let queue?, let cluster?):
      if cluster.isLive { return .implicit(cluster) }
      if queue.isLive { return .own(queue) }
      return (queue.deletedAt ?? queue.updatedAt) >= (cluster.deletedAt ?? cluster.updatedAt) ? .own(queue) : .implicit(cluster)
    }
  }
}

/// Everything a queue's reply shows: the queue (or the cluster its implicit queue follows) and
/// the clusters it routes to at the time of the read (their state, health and membership
/// decide).
struct ShownQueue: Sendable, Equatable {
  var entry: QueueEntry
  var available: [ResourceName]
}
