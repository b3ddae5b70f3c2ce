public import Foundation
internal import ClusterPoolProto

/// A data-plane cluster registered with the control plane, as the server reports it.
///
/// The static methods (`create`, `get`, `listAll`, `drain`, `activate`, `delete`, `undelete`,
/// `watch`) call the control plane through `ControlPlaneClient.shared` unless a `client:` is
/// passed.
public struct Cluster: Sendable, Hashable {
  /// The cluster's name, e.g. `prod-us-east-1`.
  public var name: String
  /// The organization the cluster belongs to (filled in by the server).
  public var organization: String
  /// The pool the cluster was registered into.
  public var pool: String
  /// Where the cluster is in its lifecycle; `nil` when the server reports none.
  public var state: LifecycleState?
  /// The control plane's verdict on the cluster's health.
  public var health: ClusterHealth
  /// Why the cluster is unhealthy: missed heartbeats, one entry per data-plane item that
  /// differs from its pool's config.
  public var unhealthyReasons: [String]
  /// Names of the queues that route to the cluster (its own implicit queue among them).
  public var queues: [String]
  /// Increases on every state change; pass it as `expectedGeneration` to guard a change.
  public var generation: UInt64
  /// When the cluster was deleted; `nil` for a live cluster.
  public var deletedAt: Date?
  /// Who registered the cluster, as the server recorded it.
  public var createdBy: String?
  /// Who last changed the cluster.
  public var updatedBy: String?
  /// The server's message this value was read from (for `-of json-raw`); `nil` when made in code.
  var message: ServerMessage?

  /// Creates a value (for tests and tools; the server fills most fields).
  public init(
    name: String, organization: String = "", pool: String, state: LifecycleState? = .active,
    health: ClusterHealth = .unknown, unhealthyReasons: [String] = [], queues: [String] = [], generation: UInt64 = 0,
    deletedAt: Date? = nil, createdBy: String? = nil, updatedBy: String? = nil
  ) {
    self.name = name
    self.organization = organization
    self.pool = pool
    self.state = state
    self.health = health
    self.unhealthyReasons = unhealthyReasons
    self.queues = queues
    self.generation = generation
    self.deletedAt = deletedAt
    self.createdBy = createdBy
    self.updatedBy = updatedBy
  }

  /// Whether the cluster is deleted.
  public var isDeleted: Bool { deletedAt != nil || state == .deleted }

  init(proto: Cloudidl.Cluster.Cluster) {
    self.init(
      name: proto.spec?.id?.name ?? "", organization: proto.spec?.id?.organization ?? "",
      pool: proto.pool?.name ?? "",
      state: proto.drainStatus.flatMap { LifecycleState(proto: $0.overallState) },
      health: ClusterHealth(proto: proto.status?.health ?? .unknown),
      unhealthyReasons: proto.status?.unhealthyReasons ?? [], queues: proto.queues.map(\.name),
      generation: proto.drainStatus?.generation ?? 0, deletedAt: proto.deletedAt?.date,
      createdBy: proto.authorship?.createdBy.flatMap(ClusterPool.describe),
      updatedBy: proto.authorship?.updatedBy.flatMap(ClusterPool.describe))
    message = ServerMessage(proto)
  }

  /// A cluster from a WatchClusters summary (which carries no queues or authorship).
  init(summary: Cloudidl.Cluster.ClusterSummary) {
    let state = summary.drainStatus.flatMap { LifecycleState(proto: $0.overallState) }
    self.init(
      name: summary.id?.name ?? "", organization: summary.id?.organization ?? "",
      pool: summary.clusterPool?.name ?? "", state: state,
      health: ClusterHealth(proto: summary.health?.status ?? .unspecified),
      unhealthyReasons: summary.health?.unhealthyReasons ?? [], generation: summary.drainStatus?.generation ?? 0)
  }
}
