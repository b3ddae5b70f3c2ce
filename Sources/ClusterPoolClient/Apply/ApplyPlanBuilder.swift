/// Builds an ``ApplyPlan``: compares each document with the server's object of its name, in
/// dependency order, then lists (or, pruning, deletes) what no document names.
struct ApplyPlanBuilder {
  let documents: [ApplyDocument]
  let current: OrganizationState
  let prune: Bool
  var changes: [ApplyChange] = []
  var deletions: [ApplyChange] = []
  var unmanaged: [ApplyObjectName] = []
  var problems: [ApplyError.Problem] = []

  init(documents: [ApplyDocument], current: OrganizationState, prune: Bool) {
    self.documents = documents
    self.current = current
    self.prune = prune
  }

  /// The documents of `kind`, in the order of the files.
  func declared(_ kind: ApplyKind) -> [ApplyDocument] { documents.filter { $0.kind == kind } }

  /// Names declared for `kind`.
  func names(_ kind: ApplyKind) -> Set<String> { Set(declared(kind).map(\.name)) }

  /// Whether the documents manage `kind` (always for pools, clusters, queues).
  func manages(_ kind: ApplyKind) -> Bool { !kind.isAccess || documents.contains { $0.kind == kind } }

  mutating func build() {
    checkPoolReferences()
    planPools()
    planClusters()
    planQueues()
    if manages(.role) { planRoles() }
    if manages(.policy) { planPolicies() }
    if manages(.assignment) { planAssignments() }
    findUnmanaged()
    changes += deletions
  }

  /// Every pool a cluster or queue names must be in the documents, or live on the server and
  /// not about to be pruned.
  mutating func checkPoolReferences() {
    let declaredPools = names(.clusterPool)
    for document in documents {
      guard let (pool, key) = document.poolReference, pool != "default", !declaredPools.contains(pool) else { continue }
      let what = "\(document.kind.noun) \(document.name) names pool \(pool)"
      if current.pools[pool] == nil {
        let deleted = current.deletedPools.contains(pool) ? " (it is deleted there: add its document to restore it)" : ""
        problems.append(
          .init(document.place(of: key), "\(what), which is neither in the files nor on the server\(deleted); add a ClusterPool document for it"))
      } else if prune {
        problems.append(
          .init(document.place(of: key), "\(what), which is not in the files: --prune would delete it; add its ClusterPool document"))
      }
    }
  }

  mutating func planPools() {
    for document in declared(.clusterPool) {
      guard case .clusterPool(let config) = document.object else { continue }
      let name = document.name
      if let pool = current.pools[name] {
        let fields = Self.configChanges(pool.config, config)
        if !fields.isEmpty {
          changes.append(.init(.update, .clusterPool, name, fields: fields, place: document.place, steps: [.updatePool(name, config)]))
        }
      } else if current.deletedPools.contains(name) {
        changes.append(
          .init(
            .create, .clusterPool, name, fields: Self.configChanges(ClusterPoolConfig(), config),
            note: "restores the deleted pool, then sets its config", place: document.place,
            steps: [.undeletePool(name), .updatePool(name, config)]))
      } else {
        changes.append(
          .init(
            .create, .clusterPool, name, fields: Self.configChanges(ClusterPoolConfig(), config), place: document.place,
            steps: [.createPool(name, config)]))
      }
    }
  }

  mutating func planClusters() {
    for document in declared(.cluster) {
      guard case .cluster(let pool) = document.object else { continue }
      let name = document.name
      guard let cluster = current.clusters[name] else {
        changes.append(
          .init(.create, .cluster, name, fields: ["pool: \(pool)"], place: document.place, steps: [.createCluster(name, pool: pool)]))
        continue
      }
      let from = cluster.pool.isEmpty ? "default" : cluster.pool
      guard from != pool else { continue }
      let pinning = current.queues.values.filter { !$0.clusterManaged && $0.spec.clusters.contains(name) }.map(\.name).sorted()
      if !pinning.isEmpty {
        let queues = pinning.count == 1 ? "queue \(pinning[0]) pins it" : "queues \(pinning.joined(separator: ", ")) pin it"
        problems.append(
          .init(
            document.place(of: "pool"),
            "cluster \(name) cannot move from pool \(from) to \(pool): \(queues) (a pinned cluster is never deleted "
              + "under its queues); remove \(name) from their spec.clusters and apply, then move it"))
        continue
      }
      changes.append(
        .init(
          .move, .cluster, name, fields: ["pool: \(from) -> \(pool)"],
          note: "drain, delete and register again: a cluster never moves in place", place: document.place,
          steps: [.drainCluster(name), .deleteCluster(name), .createCluster(name, pool: pool)]))
    }
  }

  /// What no document names; pruning, their deletions in reverse dependency order.
  mutating func findUnmanaged() {
    var found: [ApplyObjectName] = []
    let queues = names(.queue), clusters = names(.cluster), pools = names(.clusterPool)
    if manages(.assignment) {
      for name in current.assignments.keys.sorted() where !names(.assignment).contains(name) {
        unmanaged.append(.init(kind: .assignment, name: name))  // never pruned: it could take the caller's own access
      }
    }
    if manages(.policy) {
      found += current.policies.keys.sorted().filter { !names(.policy).contains($0) && !Self.builtInPolicies.contains($0) }
        .map { .init(kind: .policy, name: $0) }
    }
    if manages(.role) {
      found += current.roles.values.filter { !names(.role).contains($0.name) && $0.roleType == Self.customRole }
        .map(\.name).sorted().map { .init(kind: .role, name: $0) }
    }
    found += current.queues.values.filter { !$0.clusterManaged && $0.name != "default" && !queues.contains($0.name) }
      .map(\.name).sorted().map { .init(kind: .queue, name: $0) }
    found += current.clusters.keys.sorted().filter { !clusters.contains($0) }.map { .init(kind: .cluster, name: $0) }
    found += current.pools.keys.sorted().filter { $0 != "default" && !pools.contains($0) }.map { .init(kind: .clusterPool, name: $0) }
    unmanaged += found
    guard prune else { return }
    for object in found {
      let name = object.name
      let steps: [ApplyStep] =
        switch object.kind {
        case .policy: [.deletePolicy(name)]
        case .role: [.deleteRole(name)]
        case .queue: (current.queues[name]?.state == .drained ? [] : [.drainQueue(name)]) + [.deleteQueue(name)]
        case .cluster: [.drainCluster(name), .deleteCluster(name)]
        case .clusterPool: [.deletePool(name)]
        case .assignment: []
        }
      let note: String? =
        switch object.kind {
        case .queue where steps.count == 2: "drained first"
        case .cluster: "drained first"
        default: nil
        }
      deletions.append(.init(.delete, object.kind, name, note: note, place: nil, steps: steps))
    }
  }

  static let builtInPolicies: Set<String> = ["admin", "contributor", "viewer"]
  static let customRole = "ROLE_TYPE_CUSTOM"

  /// `key: old -> new` for each field of the config that differs.
  static func configChanges(_ old: ClusterPoolConfig, _ new: ClusterPoolConfig) -> [String] {
    let pairs: [(String, String, String)] = [
      ("config.object_store_ref.uri", old.objectStoreURI, new.objectStoreURI),
      ("config.object_store_ref.endpoint", old.objectStoreEndpoint, new.objectStoreEndpoint),
      ("config.secret_store.type", old.secretStoreType?.rawValue ?? "", new.secretStoreType?.rawValue ?? ""),
      ("config.secret_store.locator", old.secretStoreLocator, new.secretStoreLocator),
      ("config.image_registry.locator", old.imageRegistry, new.imageRegistry),
    ]
    return pairs.filter { $0.1 != $0.2 }.map { change($0.0, $0.1, $0.2) }
  }

  /// `key: old -> new`, or `key: new` when there was nothing (a create).
  static func change(_ key: String, _ old: String, _ new: String) -> String {
    old.isEmpty ? "\(key): \(show(new))" : "\(key): \(show(old)) -> \(show(new))"
  }

  static func show(_ value: String) -> String { value.isEmpty ? "\"\"" : value }
}
