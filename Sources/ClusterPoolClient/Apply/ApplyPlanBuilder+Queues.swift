extension ApplyPlanBuilder {
  mutating func planQueues() {
    for document in declared(.queue) {
      guard case .queue(let manifest, let clusterManaged) = document.object, !clusterManaged else { continue }
      let name = document.name
      if let queue = current.queues[name] {
        if queue.clusterManaged {
          problems.append(
            .init(
              document.place,
              "queue \(name) is cluster \(name)'s implicit queue, which follows its cluster: leave it out, or keep "
                + "cluster_managed: true as flyte get queue -o yaml prints it"))
          continue
        }
        planUpdate(document, manifest, queue)
      } else if name == "default" {
        problems.append(.init(document.place, "the default queue is not on the server; it cannot be created"))
      } else {
        var spec = manifest.applied(to: QueueSpec(runConcurrency: 0, actionConcurrency: 0))
        if spec.clusterPoolName.isEmpty { spec.clusterPoolName = "default" }
        let fields = Self.specChanges(nil, spec)
        if current.deletedQueues.contains(name) {
          changes.append(
            .init(
              .create, .queue, name, fields: fields, note: "restores the deleted queue, then sets its spec", place: document.place,
              steps: [.undeleteQueue(name), .updateQueue(name, spec)]))
        } else {
          changes.append(.init(.create, .queue, name, fields: fields, place: document.place, steps: [.createQueue(name, spec)]))
        }
      }
    }
  }

  private mutating func planUpdate(_ document: ApplyDocument, _ manifest: QueueManifest, _ queue: Queue) {
    let name = document.name
    var old = queue.spec
    old.clusterPoolName = queue.pool
    var spec = manifest.applied(to: old)
    if spec.clusterPoolName.isEmpty { spec.clusterPoolName = old.clusterPoolName }
    let fields = Self.specChanges(old, spec)
    guard !fields.isEmpty else { return }
    guard spec.clusterPoolName != old.clusterPoolName else {
      changes.append(.init(.update, .queue, name, fields: fields, place: document.place, steps: [.updateQueue(name, spec)]))
      return
    }
    // A queue's pool changes only while it is DRAINED: drain it first, and put it back into
    // service after when it was ACTIVE.
    let drain: [ApplyStep] = queue.state == .drained ? [] : [.drainQueue(name)]
    let activate: [ApplyStep] = queue.state == .active ? [.activateQueue(name)] : []
    changes.append(
      .init(
        .update, .queue, name, fields: fields,
        note: drain.isEmpty ? nil : "drained to change its pool\(activate.isEmpty ? "" : ", then activated again")",
        place: document.place, steps: drain + [.updateQueue(name, spec)] + activate))
  }

  /// `key: old -> new` for each field of the spec that differs (`old` nil: every field set).
  static func specChanges(_ old: QueueSpec?, _ new: QueueSpec) -> [String] {
    func list(_ items: [String]) -> String { "[\(items.joined(separator: ", "))]" }
    func caps(_ spec: QueueSpec?) -> (String, String) {
      (
        list((spec?.maxResources ?? []).map { "\($0.resource.rawValue): \($0.quantity)" }.sorted()),
        list((spec?.maxAccelerators ?? []).map { "\($0.selector): \($0.count)" }.sorted())
      )
    }
    let (oldResources, oldAccelerators) = caps(old)
    let (newResources, newAccelerators) = caps(new)
    let pairs: [(String, String?, String)] = [
      ("spec.run_concurrency", old.map { String($0.runConcurrency) }, String(new.runConcurrency)),
      ("spec.action_concurrency", old.map { String($0.actionConcurrency) }, String(new.actionConcurrency)),
      ("spec.depth", old.map { String($0.depth) }, String(new.depth)),
      ("spec.priority", old.map { $0.priority?.rawValue ?? "" }, new.priority?.rawValue ?? ""),
      ("spec.fairness", old.map { $0.fairness?.rawValue ?? "" }, new.fairness?.rawValue ?? ""),
      ("spec.scheduling", old.map { $0.scheduling?.rawValue ?? "" }, new.scheduling?.rawValue ?? ""),
      ("spec.cluster_pool_name", old?.clusterPoolName, new.clusterPoolName),
      ("spec.clusters", old.map { list($0.clusters.sorted()) }, list(new.clusters.sorted())),
      ("spec.max_resources", old == nil ? nil : oldResources, newResources),
      ("spec.max_accelerators", old == nil ? nil : oldAccelerators, newAccelerators),
    ]
    return pairs.compactMap { key, old, new in
      guard let old else { return new.isEmpty || new == "[]" || new == "0" ? nil : "\(key): \(new)" }
      return old == new ? nil : change(key, old, new)
    }
  }
}
