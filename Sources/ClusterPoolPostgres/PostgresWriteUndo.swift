internal import ClusterPoolDomain
internal import ClusterPoolStore

/// One row change of a ``PostgresTransaction``'s write, as what to put back when the write is
/// undone: the row's value in the write buffer and in the row cache before the change
/// (`nil`: no entry). Undoing a write restores its changes in reverse order.
///
/// An undone write used to restore copies of the whole buffer and cache taken when it began:
/// the first change after the copy then copied each dictionary it touched (copy on write),
/// once per write of a batch, ~8 % of a writing replica's CPU in batches of 20-40 writes.
/// Rows read (not written) during an undone write stay in the cache: they are the database's
/// rows, read under the organization's lock, as a later write would read them again.
enum PostgresWriteUndo {
  case pool(PoolKey, written: ClusterPool?, cached: ClusterPool??)
  case cluster(ClusterKey, written: Cluster?, cached: Cluster??)
  case queue(QueueKey, written: Queue??, cached: Queue??)
  case health(ClusterKey, written: ClusterHealthRecord??)
  case access(AccessKey, written: AccessRow??)
  /// An audit record appended (the last of the buffer's).
  case audit

  /// Puts the row's values back.
  func restore(_ cache: inout PostgresRowCache, _ buffer: inout PostgresWriteBuffer) {
    switch self {
    case .pool(let key, let written, let cached):
      buffer.pools[key] = written
      cache.pools[key] = cached
    case .cluster(let key, let written, let cached):
      buffer.clusters[key] = written
      cache.clusters[key] = cached
    case .queue(let key, let written, let cached):
      buffer.queues[key] = written
      cache.queues[key] = cached
    case .health(let key, let written):
      buffer.health[key] = written
    case .access(let key, let written):
      buffer.access[key] = written
    case .audit:
      buffer.audit.removeLast()
    }
  }
}
