/// The rules of rules.md for cluster pools, as pure functions of the stored state. Storage
/// backends read `existing` and `references` inside the write transaction, call
/// ``apply(_:existing:references:by:at:)``, and store the result in that same transaction.
public enum ClusterPoolRules {
  /// The pool after `command`, or the rule it breaks. `existing` is the stored pool of that
  /// key (live or deleted), nil when there is none; `revision` is left for storage to set.
  public static func apply(
    _ command: PoolCommand, existing: ClusterPool?, references: PoolReferences, by actor: Identity, at now: Timestamp
  ) throws(DomainError) -> ClusterPool {
    switch command {
    case .create(let key, let config, let sent):
      if let existing {
        if existing.isDeleted {
          throw DomainError(
            .alreadyExists,
            "cluster pool \"\(key.name)\" exists but is deleted: undelete it (flyte undelete cluster-pool \(key.name)) "
              + "or choose another name")
        }
        throw DomainError(.alreadyExists, "cluster pool \"\(key.name)\" already exists: update it or choose another name")
      }
      try checkMembership(sent, current: references.liveClusters, key: key)
      return ClusterPool(
        key: key, config: config, memberClusters: references.liveClusters, createdAt: now, updatedAt: now,
        createdBy: actor, updatedBy: actor)
    case .update(let key, let config, let sent):
      var pool = try live(existing, key)
      try checkMembership(sent, current: references.liveClusters, key: key)
      pool.config = config
      pool.memberClusters = references.liveClusters
      pool.updatedAt = now
      pool.updatedBy = actor
      return pool
    case .delete(let key):
      var pool = try live(existing, key)
      guard !key.name.isDefault else {
        throw DomainError(
          .failedPrecondition,
          "the default cluster pool cannot be deleted: every organization keeps it; update its config instead")
      }
      guard references.isEmpty else {
        throw DomainError(.failedPrecondition, referencedMessage(key, references))
      }
      pool.deletedAt = now
      pool.memberClusters = []
      pool.updatedAt = now
      pool.updatedBy = actor
      return pool
    case .undelete(let key):
      guard var pool = existing, pool.isDeleted else {
        let state = existing == nil ? "there is no cluster pool \"\(key.name)\"" : "cluster pool \"\(key.name)\" is not deleted"
        throw DomainError(.notFound, "no deleted cluster pool \"\(key.name)\" to undelete: \(state)")
      }
      pool.deletedAt = nil
      pool.memberClusters = references.liveClusters
      pool.updatedAt = now
      pool.updatedBy = actor
      return pool
    }
  }

  /// Get: the pool when it exists and is live; `NOT_FOUND` otherwise.
  public static func get(_ existing: consuming ClusterPool?, _ key: PoolKey) throws(DomainError) -> ClusterPool {
    try live(existing, key)
  }

  /// Takes `existing` over (`consuming`): borrowed, the pool it returns was a copy of it (a
  /// retain of each of its dozen strings, then their release with the caller's), on every pool Get.
  static func live(_ existing: consuming ClusterPool?, _ key: PoolKey) throws(DomainError) -> ClusterPool {
    guard let existing else {
      throw DomainError(
        .notFound, "cluster pool \"\(key.name)\" does not exist in organization \"\(key.organization)\": "
          + "list pools with flyte get cluster-pool")
    }
    guard !existing.isDeleted else {
      throw DomainError(
        .notFound, "cluster pool \"\(key.name)\" is deleted: undelete it (flyte undelete cluster-pool \(key.name)) to use it again")
    }
    return existing
  }

  /// A request may repeat the current membership, or send none; anything else is refused.
  static func checkMembership(_ sent: [String], current: [ResourceName], key: PoolKey) throws(DomainError) {
    guard !sent.isEmpty, sent.sorted() != current.map(\.value) else { return }
    let now = current.isEmpty ? "none" : current.map(\.value).joined(separator: ", ")
    throw .invalid(
      "member_clusters of cluster pool \"\(key.name)\" cannot be set (current members: \(now)): "
        + "membership is set by registering clusters into the pool; leave member_clusters empty")
  }

  static func referencedMessage(_ key: PoolKey, _ references: PoolReferences) -> String {
    func names(_ list: [ResourceName]) -> String {
      let shown = list.prefix(10).map(\.value).joined(separator: ", ")
      return list.count > 10 ? "\(shown) and \(list.count - 10) more" : shown
    }
    var parts: [String] = []
    if !references.liveClusters.isEmpty {
      parts.append("live cluster\(references.liveClusters.count == 1 ? "" : "s") \(names(references.liveClusters))")
    }
    if !references.liveQueues.isEmpty {
      parts.append("live queue\(references.liveQueues.count == 1 ? "" : "s") \(names(references.liveQueues))")
    }
    return "cluster pool \"\(key.name)\" is still used by \(parts.joined(separator: " and ")): "
      + "drain and delete those clusters and delete those queues first, then delete the pool"
  }
}
