internal import ClusterPoolDomain
internal import Logging

extension SQLiteClusterPoolStore {
  /// Writer thread: runs a batch of writes in one transaction, each in its own savepoint so
  /// that a rejected write leaves the others intact; publishes the changes to the catalog
  /// once the commit is durable, then answers every caller.
  func commit(_ batch: [Write]) {
    do {
      try connection.executeScript("BEGIN IMMEDIATE")
    } catch {
      logger.error("cannot begin a transaction", metadata: ["error": "\(error)"])
      let failure = storageFailure(error, "the store cannot write right now")
      for write in batch { write.fail(failure) }
      return
    }
    var tx = StoreTransaction(connection: connection, now: Self.now(), defaultPool: defaultPool, revision: revision)
    var outcomes: [Result<Committed, DomainError>] = []
    outcomes.reserveCapacity(batch.count)
    for write in batch {
      let before = tx
      do {
        try connection.executeScript("SAVEPOINT write")
        let committed = try write.apply(&tx)
        try connection.executeScript("RELEASE write")
        outcomes.append(.success(committed))
      } catch {
        try? connection.executeScript("ROLLBACK TO write")
        try? connection.executeScript("RELEASE write")
        tx = before
        if let error = error as? DomainError {
          outcomes.append(.failure(error))
        } else {
          logger.error("a write failed", metadata: ["error": "\(error)"])
          outcomes.append(.failure(storageFailure(error, "the store could not apply the change")))
        }
      }
    }
    do {
      try connection.executeScript("COMMIT")
    } catch {
      try? connection.executeScript("ROLLBACK")
      logger.error("commit failed", metadata: ["error": "\(error)"])
      let failure = storageFailure(error, "the store could not commit the change")
      for (write, outcome) in zip(batch, outcomes) {
        if case .failure(let rejection) = outcome { write.fail(rejection) } else { write.fail(failure) }
      }
      return
    }
    revision = tx.revision
    var written: [ClusterPool] = []
    catalog.withLock { catalog in
      for case .success(let committed) in outcomes {
        for pool in committed.pools { catalog.upsert(pool) }
        written += committed.pools
      }
    }
    clusters.withLock { clusters in
      for case .success(let committed) in outcomes {
        for cluster in committed.clusters { clusters[cluster.key] = cluster }
      }
    }
    queues.withLock { queues in
      for case .success(let committed) in outcomes {
        for queue in committed.queues { queues[queue.key] = queue }
      }
    }
    if !written.isEmpty {
      for observer in poolObservers.withLock({ $0 }) { observer(written) }
    }
    for (write, outcome) in zip(batch, outcomes) {
      switch outcome {
      case .success(let committed): committed.reply()
      case .failure(let error): write.fail(error)
      }
    }
  }

  /// What a caller is told when SQLite failed under a write: RESOURCE_EXHAUSTED naming the
  /// database when its file system is full, else UNAVAILABLE (both say nothing was written).
  func storageFailure(_ error: any Error, _ what: String) -> DomainError {
    if let error = error as? SQLiteError, error.isDiskFull {
      return DomainError(
        .resourceExhausted,
        "the file system of the database \(path) is full: nothing was written; free disk space there and retry")
    }
    return DomainError(.unavailable, "\(what): \(error); retry later")
  }
}
