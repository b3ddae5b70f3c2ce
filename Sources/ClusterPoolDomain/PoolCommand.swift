/// A change asked of a pool, with everything the rules need from the request.
public enum PoolCommand: Sendable, Hashable {
  /// Create `key` with `config`; `sentMembers` is the membership the request carried.
  case create(PoolKey, ClusterPoolConfig, sentMembers: [String])
  /// Replace the config of the live pool `key`.
  case update(PoolKey, ClusterPoolConfig, sentMembers: [String])
  /// Soft-delete `key`.
  case delete(PoolKey)
  /// Restore the soft-deleted `key`.
  case undelete(PoolKey)

  /// The pool the command is about.
  public var key: PoolKey {
    switch self {
    case .create(let key, _, _), .update(let key, _, _), .delete(let key), .undelete(let key): key
    }
  }
}

/// The live clusters and queues that reference a pool, by name, as storage found them in
/// the same transaction as the change.
public struct PoolReferences: Sendable, Hashable {
  /// Live clusters registered into the pool (its members).
  public var liveClusters: [ResourceName]
  /// Live queues routing into the pool (implicit cluster queues included).
  public var liveQueues: [ResourceName]

  public init(liveClusters: [ResourceName] = [], liveQueues: [ResourceName] = []) {
    self.liveClusters = liveClusters.sorted()
    self.liveQueues = liveQueues.sorted()
  }

  public static let none = PoolReferences()
  public var isEmpty: Bool { liveClusters.isEmpty && liveQueues.isEmpty }
}
