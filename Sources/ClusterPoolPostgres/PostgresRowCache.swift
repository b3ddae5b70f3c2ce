internal import ClusterPoolDomain

/// Rows a ``PostgresTransaction`` read or wrote, by key: `.some(nil)` is a row known absent.
/// Only the row reads are kept; derived reads (references, pins) always go to the database.
struct PostgresRowCache {
  var pools: [PoolKey: ClusterPool?] = [:]
  var clusters: [ClusterKey: Cluster?] = [:]
  var queues: [QueueKey: Queue?] = [:]
}
