internal import ClusterPoolDomain
internal import ClusterPoolProto

typealias ClusterMessage = Cloudidl.Cluster.Cluster

/// Everything a cluster's reply shows: the cluster as stored and, when live, its health reading
/// and reported data plane at the time of the read. Equal values render equal replies
/// (``EncodedReplyCache``'s key to a cached GetCluster reply).
struct ShownCluster: Sendable, Equatable {
  var cluster: Cluster
  var reading: ClusterHealthBoard.Reading
  var reported: ReportedDataPlane?
}

/// Conversions between cluster wire messages and domain values.
enum ClusterMessages {
  static func key(_ id: Cloudidl.Common.ClusterIdentifier?, _ fallback: Organization) throws(DomainError) -> ClusterKey {
    guard let id else { throw DomainError(.invalidArgument, "cluster_id is required: give the cluster's name") }
    return ClusterKey(
      organization: try Organization.resolve(id.organization, fallback: fallback),
      name: try ResourceName(validating: id.name, kind: "cluster"))
  }

  /// The pool a CreateCluster or UpdateCluster names: `default` when empty.
  static func poolName(_ text: String) throws(DomainError) -> ResourceName {
    text.isEmpty ? .defaultName : try ResourceName(validating: text, kind: "cluster pool")
  }

  /// The wire's 0 means "no guard".
  static func guardValue(_ expected: UInt64) -> UInt64? { expected == 0 ? nil : expected }

  static func state(_ state: ClusterState) -> Cloudidl.Cluster.ClusterState {
    switch state {
    case .active: .active
    case .draining: .draining
    case .drained: .drained
    case .deleting: .deleting
    case .deleted: .deleted
    }
  }

  /// The wire form of `cluster` with its current health `reading`.
  static func message(_ cluster: Cluster, _ reading: ClusterHealthBoard.Reading, reported: ReportedDataPlane? = nil) -> ClusterMessage {
    let org = cluster.key.organization.name
    let id = Cloudidl.Common.ClusterIdentifier(organization: org, name: cluster.key.name.value)
    let health: Cloudidl.Cluster.Status.Health
    var reasons: [String] = []
    switch reading {
    case .unknown: health = .unknown
    case .healthy: health = .healthy
    case .unhealthy(let why):
      health = .unhealthy
      reasons = why
    }
    let routable = cluster.lifecycle.state == .active && health != .unhealthy
    return ClusterMessage(
      spec: .init(id: id, state: cluster.lifecycle.state == .active ? .enabled : .disabled),
      status: .init(
        health: health, state: routable ? .enabled : .disabled, unhealthyReasons: reasons, operatorClusterData: reported.map(data)),
      queues: cluster.isLive ? [Cloudidl.Common.QueueIdentifier(organization: org, name: cluster.key.name.value)] : [],
      pool: .init(organization: org, name: cluster.poolName.value),
      deletedAt: cluster.deletedAt.map { .init(seconds: $0.seconds, nanos: $0.nanos) },
      drainStatus: .init(overallState: state(cluster.lifecycle.state), generation: cluster.lifecycle.generation),
      authorship: .init(
        createdBy: ClusterPoolMessages.identity(cluster.createdBy), updatedBy: ClusterPoolMessages.identity(cluster.updatedBy)))
  }

  /// The wire form of what a cluster's reply shows.
  static func message(_ shown: ShownCluster) -> ClusterMessage { message(shown.cluster, shown.reading, reported: shown.reported) }

  /// The wire form of a reported data plane (as the cluster sent it).
  static func data(_ reported: ReportedDataPlane) -> Cloudidl.Cluster.OperatorClusterData {
    Cloudidl.Cluster.OperatorClusterData(
      metadataObjectStoreRef: .init(uri: reported.objectStoreURI, endpoint: reported.objectStoreEndpoint),
      secretStore: .init(
        type: Cloudidl.Common.SecretStore.SecretStoreType(rawValue: reported.secretStoreType),
        locator: reported.secretStoreLocator),
      imageRegistry: .init(locator: reported.imageRegistry))
  }

  /// What an UpdateStatus says still runs on the cluster (`status.capabilities.execution_load`);
  /// a negative count is `INVALID_ARGUMENT` naming its field.
  static func load(_ load: Cloudidl.Cluster.ExecutionLoad) throws(DomainError) -> ExecutionLoad {
    let counts = [
      ("active_executions_count", load.activeExecutionsCount),
      ("active_node_executions_count", load.activeNodeExecutionsCount),
      ("active_task_executions_count", load.activeTaskExecutionsCount),
    ]
    for (field, count) in counts where count < 0 {
      throw DomainError(
        .invalidArgument, "status.capabilities.execution_load.\(field) is \(count): a count of running work cannot be negative")
    }
    return ExecutionLoad(
      activeExecutions: Int64(load.activeExecutionsCount), activeNodeExecutions: Int64(load.activeNodeExecutionsCount),
      activeTaskExecutions: Int64(load.activeTaskExecutionsCount))
  }

  /// What an UpdateStatus says the cluster uses.
  static func reported(_ data: Cloudidl.Cluster.OperatorClusterData) -> ReportedDataPlane {
    ReportedDataPlane(
      objectStoreURI: data.metadataObjectStoreRef?.uri ?? "", objectStoreEndpoint: data.metadataObjectStoreRef?.endpoint ?? "",
      secretStoreType: data.secretStore?.type.rawValue ?? 0, secretStoreLocator: data.secretStore?.locator ?? "",
      imageRegistry: data.imageRegistry?.locator ?? "")
  }
}
