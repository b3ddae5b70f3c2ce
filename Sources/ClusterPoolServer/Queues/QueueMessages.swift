internal import ClusterPoolDomain
internal import ClusterPoolProto

typealias QueueMessage = Cloudidl.Queue.Queue

/// Conversions between queue wire messages and domain values; validation problems are thrown
/// as ``DomainError``s naming the field.
enum QueueMessages {
  static func key(_ id: Cloudidl.Common.QueueIdentifier?, _ fallback: Organization) throws(DomainError) -> QueueKey {
    guard let id else { throw DomainError(.invalidArgument, "id is required: give the queue's name") }
    guard id.project.isEmpty, id.domain.isEmpty else {
      throw DomainError(
        .invalidArgument, "queues belong to an organization, not to a project or domain: leave id.project and id.domain empty")
    }
    return QueueKey(
      organization: try Organization.resolve(id.organization, fallback: fallback), name: try QueueRules.name(id.name))
  }

  /// The spec a request sent. An empty pool means `default` on create; an update must name
  /// the pool (the queue's own to keep it), so that a forgotten field never moves a queue.
  static func spec(_ message: Cloudidl.Queue.QueueSpec?, poolRequired: Bool) throws(DomainError) -> QueueSpec {
    guard let message else {
      throw DomainError(.invalidArgument, "spec is required: give at least run_concurrency and action_concurrency (0: no limit)")
    }
    let pool: ResourceName
    if message.clusterPoolName.isEmpty {
      guard !poolRequired else {
        throw DomainError(
          .invalidArgument,
          "spec.cluster_pool_name is required on update: give the queue's pool to keep it, or another pool to move it "
            + "(only while the queue is DRAINED)")
      }
      pool = .defaultName
    } else {
      pool = try ResourceName(validating: message.clusterPoolName, kind: "cluster pool")
    }
    return try QueueSpec(
      validating: message.runConcurrency, actionConcurrency: message.actionConcurrency, depth: message.depth,
      priority: message.priority.rawValue, fairness: message.fairness.rawValue, scheduling: message.scheduling.rawValue,
      poolName: pool, clusters: message.clusters, maxResources: resourceEntries(message.maxResources),
      maxAccelerators: acceleratorEntries(message.maxAccelerators))
  }

  /// The state a CreateQueue asks for: ACTIVE (also when unspecified), or drained (a drain
  /// completes at once).
  static func initialState(_ state: Cloudidl.Queue.QueueState) throws(DomainError) -> QueueState {
    switch state {
    case .unspecified, .active: return .active
    case .draining, .drained: return .drained
    default:
      throw DomainError(.invalidArgument, "state must be QUEUE_STATE_ACTIVE (the default) or QUEUE_STATE_DRAINED on create")
    }
  }

  static func wireState(_ name: String) -> Cloudidl.Queue.QueueState {
    switch name {
    case "ACTIVE": .active
    case "DRAINING": .draining
    case "DRAINED": .drained
    case "DELETING": .deleting
    case "DELETED": .deleted
    default: .unspecified
    }
  }

  /// The wire form of `entry`, routing to `available`.
  /// The wire form of what a queue's reply shows.
  static func message(_ shown: ShownQueue) -> QueueMessage { message(shown.entry, available: shown.available) }

  static func message(_ entry: QueueEntry, available: [ResourceName]) -> QueueMessage {
    let org = entry.organization.name
    let spec: Cloudidl.Queue.QueueSpec
    let generation: UInt64
    let times: (Timestamp, Timestamp, Timestamp?)
    let authors: (Identity, Identity)
    switch entry {
    case .own(let queue):
      let s = queue.spec
      spec = .init(
        runConcurrency: s.runConcurrency, actionConcurrency: s.actionConcurrency, depth: s.depth,
        priority: .init(rawValue: s.priority), fairness: .init(rawValue: s.fairness), clusters: s.clusters.map(\.value),
        clusterPoolName: s.poolName.value, maxResources: wireResources(s.maxResources),
        scheduling: .init(rawValue: s.scheduling), maxAccelerators: wireAccelerators(s.maxAccelerators))
      generation = queue.lifecycle.generation
      times = (queue.createdAt, queue.updatedAt, queue.deletedAt)
      authors = (queue.createdBy, queue.updatedBy)
    case .implicit(let cluster):
      spec = .init(clusters: [cluster.key.name.value], clusterPoolName: cluster.poolName.value)
      generation = cluster.lifecycle.generation
      times = (cluster.createdAt, cluster.updatedAt, cluster.deletedAt)
      authors = (cluster.createdBy, cluster.updatedBy)
    }
    func wire(_ time: Timestamp) -> Google.Protobuf.Timestamp { .init(seconds: time.seconds, nanos: time.nanos) }
    var managed = false
    if case .implicit = entry { managed = true }
    return QueueMessage(
      id: .init(organization: org, name: entry.name.value), spec: spec,
      status: .init(
        state: wireState(entry.stateName), availableClusters: available.map { .init(organization: org, name: $0.value) },
        clusterManaged: managed, stateGeneration: generation),
      createdAt: wire(times.0), updatedAt: wire(times.1), deletedAt: times.2.map(wire),
      authorship: .init(createdBy: ClusterPoolMessages.identity(authors.0), updatedBy: ClusterPoolMessages.identity(authors.1)))
  }
}
