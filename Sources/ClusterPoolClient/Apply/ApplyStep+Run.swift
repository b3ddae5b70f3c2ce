extension ApplyStep {
  /// Makes the step's calls; a drain or a cluster delete also waits, up to `waitLimit`, for
  /// the state it leads to (DRAINED; DELETED, which frees the name).
  func run(client: ControlPlaneClient, waitLimit: Duration) async throws {
    switch self {
    case .createPool(let name, let config): try await ClusterPool.create(name, config: config, client: client)
    case .undeletePool(let name): _ = try await ClusterPool.undelete(name, client: client)
    case .updatePool(let name, let config): try await ClusterPool.update(name, config: config, client: client)
    case .deletePool(let name): try await ClusterPool.delete(name, client: client)
    case .createCluster(let name, let pool): try await Cluster.create(name, clusterPoolName: pool, client: client)
    case .drainCluster(let name):
      let cluster = try await Cluster.get(name, client: client)
      guard cluster.state != .drained else { return }
      if try await Cluster.drain(name, client: client).state != .drained {
        try await Self.wait(for: "cluster \(name) to be DRAINED", limit: waitLimit) {
          try await Cluster.get(name, includeDeleted: true, client: client).state == .drained
        }
      }
    case .deleteCluster(let name):
      if try await Cluster.delete(name, client: client)?.isDeleted != true {
        try await Self.wait(for: "cluster \(name) to be DELETED (its data plane confirms, or goes silent)", limit: waitLimit) {
          try await Cluster.get(name, includeDeleted: true, client: client).isDeleted
        }
      }
    case .createQueue(let name, let spec): try await Queue.create(name, spec: spec, client: client)
    case .undeleteQueue(let name): try await Queue.undelete(name, client: client)
    case .updateQueue(let name, let spec): try await Queue.update(name, spec: spec, client: client)
    case .drainQueue(let name):
      if try await Queue.get(name, client: client).state != .drained { try await Queue.drain(name, client: client) }
    case .activateQueue(let name): try await Queue.activate(name, client: client)
    case .deleteQueue(let name): try await Queue.delete(name, client: client)
    case .createRole(let name, let description, let actions):
      try await Role.create(name, description: description, actions: actions, client: client)
    case .updateRole(let name, let actions): try await Role.update(name, actions: actions, client: client)
    case .deleteRole(let name): try await Role.delete(name, client: client)
    case .createPolicy(let name, let description, let bindings):
      try await Policy.create(name, description: description, bindings: bindings, client: client)
    case .updatePolicy(let name, let bindings): try await Policy.update(name, bindings: bindings, client: client)
    case .deletePolicy(let name): try await Policy.delete(name, client: client)
    case .assign(let identity, let policy): try await Assignment.create(identity, policy: policy, client: client)
    case .unassign(let identity, let policy): try await Assignment.delete(identity, policy: policy, client: client)
    }
  }

  /// Polls `done` (every 200 ms, then up to every 2 s) until it holds; throws after `limit`.
  static func wait(for what: String, limit: Duration, _ done: () async throws -> Bool) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: limit)
    var pause = Duration.milliseconds(200)
    while try await !done() {
      guard clock.now < deadline else {
        throw ApplyWaitError(message: "gave up waiting for \(what) after \(limit.components.seconds) s; run apply again to resume")
      }
      try await Task.sleep(for: pause)
      pause = min(pause * 2, .seconds(2))
    }
  }
}

/// A drain or delete that did not complete within the wait limit.
struct ApplyWaitError: Error, CustomStringConvertible {
  var message: String
  var description: String { message }
}
