public import Foundation
internal import ClusterPoolProto

/// A queue routing workloads to clusters of a pool, as the server reports it.
///
/// The static methods (`create`, `get`, `listAll`, `update`, `drain`, `activate`, `delete`,
/// `undelete`) call the control plane through `ControlPlaneClient.shared` unless a `client:`
/// is passed.
public struct Queue: Sendable, Hashable {
  /// The queue's name.
  public var name: String
  /// The organization the queue belongs to (filled in by the server).
  public var organization: String
  /// What the queue is asked to be.
  public var spec: QueueSpec
  /// Where the queue is in its lifecycle; `nil` when the server reports none.
  public var state: LifecycleState?
  /// Where the queue routes now: its pinned clusters, or every active, healthy pool member.
  public var availableClusters: [String]
  /// Whether this is a cluster's implicit queue (it follows its cluster; it cannot be
  /// updated or deleted on its own).
  public var clusterManaged: Bool
  /// Increases on every state change; pass it as `expectedStateGeneration` to guard a change.
  public var stateGeneration: UInt64
  /// When the queue was created, last updated, deleted (`nil` when unknown / live).
  public var createdAt: Date?
  public var updatedAt: Date?
  public var deletedAt: Date?
  /// Who created the queue and who last changed it, as the server recorded them.
  public var createdBy: String?
  public var updatedBy: String?
  /// The server's message this value was read from (for `-of json-raw`); `nil` when made in code.
  var message: ServerMessage?

  /// Creates a value (for tests and tools; the server fills most fields).
  public init(
    name: String, organization: String = "", spec: QueueSpec, state: LifecycleState? = .active,
    availableClusters: [String] = [], clusterManaged: Bool = false, stateGeneration: UInt64 = 0,
    createdAt: Date? = nil, updatedAt: Date? = nil, deletedAt: Date? = nil, createdBy: String? = nil,
    updatedBy: String? = nil
  ) {
    self.name = name
    self.organization = organization
    self.spec = spec
    self.state = state
    self.availableClusters = availableClusters
    self.clusterManaged = clusterManaged
    self.stateGeneration = stateGeneration
    self.createdAt = createdAt
    self.updatedAt = updatedAt
    self.deletedAt = deletedAt
    self.createdBy = createdBy
    self.updatedBy = updatedBy
  }

  /// The pool the queue routes into (`spec.clusterPoolName`, `default` when empty).
  public var pool: String { spec.clusterPoolName.isEmpty ? "default" : spec.clusterPoolName }
  /// Whether the queue is deleted.
  public var isDeleted: Bool { deletedAt != nil || state == .deleted }

  init(proto: Cloudidl.Queue.Queue) {
    self.init(
      name: proto.id?.name ?? "", organization: proto.id?.organization ?? "", spec: QueueSpec(proto: proto.spec),
      state: proto.status.flatMap { LifecycleState(proto: $0.state) },
      availableClusters: proto.status?.availableClusters.map(\.name) ?? [],
      clusterManaged: proto.status?.clusterManaged ?? false, stateGeneration: proto.status?.stateGeneration ?? 0,
      createdAt: proto.createdAt?.date, updatedAt: proto.updatedAt?.date, deletedAt: proto.deletedAt?.date,
      createdBy: proto.authorship?.createdBy.flatMap(ClusterPool.describe),
      updatedBy: proto.authorship?.updatedBy.flatMap(ClusterPool.describe))
    message = ServerMessage(proto)
  }
}
