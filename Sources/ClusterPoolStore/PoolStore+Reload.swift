internal import ClusterPoolDomain

extension PoolStore {
  /// Replaces the whole read model with `rows` (every row, read again from the backend, e.g.
  /// by a follower too far behind its change log or after an inconsistency), then tells the
  /// observers of every pool and of every cluster that changed, and the access observers (of
  /// any organization). Rows are current as of
  /// `rows.revision`; a commit of this store applied meanwhile and not in `rows` must be read
  /// again by the caller (the follower does: it re-reads every entry after `rows.revision`).
  public func reload(_ rows: StoredRows) {
    let fresh = StoreSnapshot(rows: rows, defaultPool: core.defaultPool)
    let old = core.state.withLock { state in
      defer {
        state = fresh
        // May go down for a moment (a commit of this store newer than `rows` is read again by
        // the follower): the header never claims a revision the read model does not hold.
        core.revisions.withLock { $0.reloaded(at: fresh.revision) }
        core.appliedRevision.store(fresh.revision, ordering: .releasing)
      }
      return state
    }
    core.revisionWaiters.advance(to: fresh.revision)
    var clusters: [ClusterChange] = []
    for cluster in rows.clusters where old.cluster(cluster.key) != cluster {
      clusters.append(ClusterChange(before: old.cluster(cluster.key), after: cluster))
    }
    if !clusters.isEmpty { for observer in core.clusterObservers.withLock({ $0 }) { observer(clusters) } }
    let pools = rows.pools.compactMap { fresh.pool($0.key) }
    if !pools.isEmpty { for observer in core.poolObservers.withLock({ $0 }) { observer(pools) } }
    for observer in core.accessObservers.withLock({ $0 }) { observer(nil) }
  }
}
