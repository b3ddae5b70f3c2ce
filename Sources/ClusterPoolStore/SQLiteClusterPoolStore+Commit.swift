import ClusterPoolDomain
import Logging

extension SQLiteClusterPoolStore {
  /// Writer thread: runs a batch of writes in one transaction, each in its own savepoint so
  /// that a rejected write leaves the others intact; publishes the changes to the catalog
  /// once the commit is durable, then answers every caller.
  func commit(_ batch: [Write]) {
    var results: [Result<ClusterPool, DomainError>] = []
    var changes: [ClusterPool] = []
    do {
      try connection.executeScript("BEGIN IMMEDIATE")
    } catch {
      logger.error("cannot begin a transaction", metadata: ["error": "\(error)"])
      let failure = DomainError(.unavailable, "the store cannot write right now: \(error); retry later")
      for write in batch { write.reply(.failure(failure)) }
      return
    }
    let now = Self.now()
    let firstRevision = revision
    for write in batch {
      do {
        try connection.executeScript("SAVEPOINT write")
        let applied = try apply(write, at: now)
        try connection.executeScript("RELEASE write")
        changes += applied
        results.append(.success(applied.last!))
      } catch {
        try? connection.executeScript("ROLLBACK TO write")
        try? connection.executeScript("RELEASE write")
        if let error = error as? DomainError {
          results.append(.failure(error))
        } else {
          logger.error("a write failed", metadata: ["command": "\(write.command)", "error": "\(error)"])
          results.append(.failure(DomainError(.unavailable, "the store could not apply the change: \(error); retry later")))
        }
      }
    }
    do {
      try connection.executeScript("COMMIT")
    } catch {
      try? connection.executeScript("ROLLBACK")
      revision = firstRevision
      logger.error("commit failed", metadata: ["error": "\(error)"])
      let failure = DomainError(.unavailable, "the store could not commit the change: \(error); retry later")
      for write in batch { write.reply(.failure(failure)) }
      return
    }
    if !changes.isEmpty {
      catalog.withLock { catalog in
        for pool in changes { catalog.upsert(pool) }
      }
    }
    for (write, result) in zip(batch, results) { write.reply(result) }
  }

  /// Inside the transaction: materializes the organization's `default` pool on its first
  /// write, reads the pool and its references, applies the rule, writes the result. Returns
  /// every row written (the default pool first when it was created).
  private func apply(_ write: Write, at now: Timestamp) throws -> [ClusterPool] {
    let key = write.command.key
    var written: [ClusterPool] = []
    let defaultKey = PoolKey(organization: key.organization, name: .defaultName)
    if try PoolRows.select(connection, defaultKey) == nil {
      var pool = catalog.withLock { $0.defaultPool }.pool(for: key.organization)
      pool.createdAt = now
      pool.updatedAt = now
      revision += 1
      pool.revision = revision
      try PoolRows.upsert(connection, pool)
      written.append(pool)
    }
    let existing = try PoolRows.select(connection, key)
    let references = try PoolRows.references(connection, key)
    var pool = try ClusterPoolRules.apply(write.command, existing: existing, references: references, by: write.actor, at: now)
    revision += 1
    pool.revision = revision
    try PoolRows.upsert(connection, pool)
    if key.name.isDefault { written.removeAll() }
    written.append(pool)
    return written
  }
}
