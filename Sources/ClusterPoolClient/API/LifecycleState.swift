internal import ClusterPoolProto

/// Where a cluster or queue is in its lifecycle (`drain_status.overall_state` of a cluster,
/// `status.state` of a queue): ACTIVE ↔ DRAINING → DRAINED → DELETED, with DELETING while a
/// data plane confirms a delete.
public enum LifecycleState: String, CaseIterable, Sendable, Hashable, Codable, CustomStringConvertible {
  case active = "ACTIVE"
  case draining = "DRAINING"
  case drained = "DRAINED"
  case deleting = "DELETING"
  case deleted = "DELETED"

  public var description: String { rawValue }

  /// The state a server sent; `nil` for UNSPECIFIED or a number this client does not know.
  init?(proto: Cloudidl.Cluster.ClusterState) {
    switch proto {
    case .active: self = .active
    case .draining: self = .draining
    case .drained: self = .drained
    case .deleting: self = .deleting
    case .deleted: self = .deleted
    case .unspecified, .unrecognized: return nil
    }
  }

  /// The state a server sent for a queue.
  init?(proto: Cloudidl.Queue.QueueState) {
    self.init(proto: Cloudidl.Cluster.ClusterState(rawValue: proto.rawValue))
  }

  var clusterProto: Cloudidl.Cluster.ClusterState {
    switch self {
    case .active: .active
    case .draining: .draining
    case .drained: .drained
    case .deleting: .deleting
    case .deleted: .deleted
    }
  }

  var queueProto: Cloudidl.Queue.QueueState { .init(rawValue: clusterProto.rawValue) }
}
