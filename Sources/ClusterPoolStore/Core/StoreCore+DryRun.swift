internal import ClusterPoolDomain

extension StoreCore {
  /// Runs the dry run `write` (``StoreDryRun``) as ``commit(_:more:)`` would run it alone:
  /// begins a transaction, locks its organizations, reads ahead its rows, applies it (the
  /// rules, the rows and its audit record written in the transaction), then hands the change
  /// set to ``RowTransaction/rehearse(_:)``, which makes the checks the commit would make of
  /// the rows and rolls the transaction back. Nothing is published, no audit observer is told.
  /// The caller gets the write's answer (told the store's current revision) or the error the
  /// commit would have given.
  func rehearse(_ write: PendingWrite) async {
    let rows: any RowTransaction
    do {
      rows = try await backend.begin()
    } catch {
      logger.error("cannot begin a transaction for a dry run", metadata: ["error": "\(error)"])
      return write.fail(backend.failure(error, "the store cannot write right now"))
    }
    let revision = state.withLock { $0.revision }
    let tx = StoreTransaction(rows: rows, now: Self.now(), defaultPool: defaultPool, revision: revision)
    do {
      try await tx.lock(write.organizations)
      if !write.reads.isEmpty { try await rows.prefetch(write.reads) }
    } catch {
      await rows.rollback()
      logger.error("cannot lock the organizations of a dry run", metadata: ["error": "\(error)"])
      return write.fail(backend.failure(error, "the store cannot write right now"))
    }
    let reply: @Sendable (UInt64) -> Void
    switch await run(write, in: tx) {
    case .success(let answer): reply = answer
    case .failure(let rejection):
      await rows.rollback()
      return write.fail(rejection)
    }
    var changes = tx.changes
    do {
      if !changes.isEmpty && changes.revision == revision { changes.revision = try await tx.nextRevision() }
      try await rows.rehearse(changes)
    } catch {
      await rows.rollback()  // rehearse ended it; a no-op then
      logger.warning("a dry run's rows would not commit", metadata: ["error": "\(error)"])
      return write.fail(backend.failure(error, "the store could not commit the change"))
    }
    reply(revision)
  }
}
