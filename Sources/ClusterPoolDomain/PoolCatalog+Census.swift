extension PoolCatalog {
  /// How many stored pools are live and how many deleted, over all organizations (an
  /// organization's unwritten `default` pool is not counted): what `/metrics` reports, kept
  /// up to date by every upsert.
  public func census() -> (live: Int, deleted: Int) { (livePools, deletedPools) }

  /// The same counts by a walk over every pool: what ``census()`` must equal (for tests).
  public func walkedCensus() -> (live: Int, deleted: Int) {
    var live = 0
    var deleted = 0
    for org in organizations.values {
      for pool in org.pools.values {
        if pool.isDeleted { deleted += 1 } else { live += 1 }
      }
    }
    return (live, deleted)
  }
}
