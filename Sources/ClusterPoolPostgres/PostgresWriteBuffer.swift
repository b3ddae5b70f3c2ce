internal import ClusterPoolDomain
internal import ClusterPoolStore

/// The rows a ``PostgresTransaction`` wrote, kept in memory until its commit sends them all in
/// one statement (``PostgresCommitStatement``): by key, the last version of each row, `nil`
/// for a row removed. An undone write restores the buffer as it was before it (no savepoint,
/// no round trip). Reads of the transaction see these rows: row reads through the row cache,
/// derived reads (a pool's references, the queues pinning a cluster) by laying them over what
/// the database holds (``references(_:stored:)``, ``pinning(_:stored:)``), which is the state
/// before the transaction since nothing is sent before its commit.
struct PostgresWriteBuffer {
  var pools: [PoolKey: ClusterPool] = [:]
  var clusters: [ClusterKey: Cluster] = [:]
  var queues: [QueueKey: Queue?] = [:]
  var health: [ClusterKey: ClusterHealthRecord?] = [:]
  /// Identity and access rows (rare: sent at commit one statement each, before the others).
  var access: [AccessKey: AccessRow?] = [:]
  /// Audit records appended, in order (sent at commit with the rows, ``PostgresCommitStatement``).
  var audit: [AuditRecord] = []

  /// Whether no row was written.
  var isEmpty: Bool { pools.isEmpty && clusters.isEmpty && queues.isEmpty && health.isEmpty && access.isEmpty && audit.isEmpty }

  /// Rows written, for the debug measurement of a commit.
  var count: Int { pools.count + clusters.count + queues.count + health.count + access.count + audit.count }

  /// `key`'s live clusters and live queues: `stored` (the database's, as of the transaction's
  /// start) with this transaction's cluster and queue rows of the organization laid over it.
  func references(_ key: PoolKey, stored: PoolReferences) -> PoolReferences {
    var clusters = Set(stored.liveClusters)
    for (clusterKey, cluster) in self.clusters where clusterKey.organization == key.organization {
      clusters.remove(clusterKey.name)
      if cluster.deletedAt == nil && cluster.poolName == key.name { clusters.insert(clusterKey.name) }
    }
    var queues = Set(stored.liveQueues)
    for (queueKey, queue) in self.queues where queueKey.organization == key.organization {
      queues.remove(queueKey.name)
      if let queue, queue.deletedAt == nil && queue.spec.poolName == key.name { queues.insert(queueKey.name) }
    }
    return PoolReferences(liveClusters: Array(clusters), liveQueues: Array(queues))
  }

  /// The live queues of their own pinning the cluster `key`: `stored` with this transaction's
  /// queue rows of the organization laid over it, sorted.
  func pinning(_ key: ClusterKey, stored: [ResourceName]) -> [ResourceName] {
    var names = Set(stored)
    for (queueKey, queue) in queues where queueKey.organization == key.organization {
      names.remove(queueKey.name)
      if let queue, !queue.lifecycle.clusterManaged, queue.deletedAt == nil, queue.spec.clusters.contains(key.name) {
        names.insert(queueKey.name)
      }
    }
    return names.sorted()
  }
}
