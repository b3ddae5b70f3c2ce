internal import ClusterPoolDomain
internal import Foundation
internal import Logging
internal import Synchronization

/// The backend-neutral heart of a store: runs batches of writes in backend transactions,
/// applies each commit's change set to the read model as one snapshot, tells observers and
/// answers the callers. Held by the write loop, apart from ``PoolStore``, so that a store no
/// longer used can go away (its loop then finishes the queued writes and closes the backend).
final class StoreCore: Sendable {
  let backend: any StorageBackend
  /// The read model; replaced as a whole under this one lock by each commit.
  let state: Mutex<StoreSnapshot>
  /// Told about the pools of every commit (``PoolStore/observePools(_:)``).
  let poolObservers = Mutex<[@Sendable ([ClusterPool]) -> Void]>([])
  /// Calls waiting for a revision (``PoolStore/waitForRevision(_:until:)``).
  let revisionWaiters: RevisionWaiters
  /// The contiguous applied revision (``AppliedRevisions``), read without the lock (every
  /// response carries it); stored under the lock with the snapshot, so a reader that saw a
  /// snapshot reads at least its contiguous revision here.
  let appliedRevision: Atomic<UInt64>
  /// Which revisions are applied contiguously; changed under the ``state`` lock only.
  let revisions: Mutex<AppliedRevisions>
  /// Told about the clusters of every commit (``PoolStore/observeClusters(_:)``).
  let clusterObservers = Mutex<[@Sendable ([ClusterChange]) -> Void]>([])
  /// Told about the organizations of the access rows of every commit (``PoolStore/observeAccess(_:)``).
  let accessObservers = Mutex<[@Sendable (Set<Organization>?) -> Void]>([])
  /// Told about the audit records of every commit of this server (``PoolStore/observeAudit(_:)``).
  let auditObservers = Mutex<[@Sendable ([AuditRecord]) -> Void]>([])
  let defaultPool: DefaultPoolTemplate
  let logger: Logger
  let metrics = StoreMetrics()

  init(backend: any StorageBackend, state: StoreSnapshot, defaultPool: DefaultPoolTemplate, logger: Logger) {
    self.backend = backend
    self.state = Mutex(state)
    self.revisionWaiters = RevisionWaiters(applied: state.revision)
    self.appliedRevision = Atomic(state.revision)
    self.revisions = Mutex(AppliedRevisions(contiguous: state.revision))
    self.defaultPool = defaultPool
    self.logger = logger
  }

  /// Runs `batch` in one transaction: locks the organizations of all its writes, then runs
  /// each inside ``RowTransaction/beginWrite()`` and ``RowTransaction/endWrite(keeping:)`` so
  /// that a rejected write leaves the others intact; publishes the commit once durable, then
  /// answers every caller, each exactly once. When the database refused the batch's rows
  /// (``CommitFailure/refusedRows``; nothing was written), every write runs again alone.
  ///
  /// `more` is asked, once the organizations are locked, for queued writes touching only
  /// them (at most the count given): they join the batch, so that the writes that arrived while
  /// the transaction waited for the locks of organizations shared with other servers commit
  /// with it instead of waiting for the next lock.
  ///
  /// The batch's dry runs (``PendingWrite/dryRun``) run after its other writes, each alone in
  /// a transaction rolled back (``rehearse(_:)``).
  func commit(_ batch: [PendingWrite], more: (Int, Set<Organization>) -> [PendingWrite] = { _, _ in [] }) async {
    guard batch.contains(where: \.dryRun) else { return await commitWrites(batch, more: more) }
    let writes = batch.filter { !$0.dryRun }
    if !writes.isEmpty { await commitWrites(writes, more: more) }
    for write in batch where write.dryRun { await rehearse(write) }
  }

  /// ``commit(_:more:)`` for a batch without dry runs.
  private func commitWrites(_ batch: [PendingWrite], more: (Int, Set<Organization>) -> [PendingWrite]) async {
    var batch = batch
    let rows: any RowTransaction
    do {
      rows = try await backend.begin()
    } catch {
      logger.error("cannot begin a transaction", metadata: ["error": "\(error)"])
      let failure = backend.failure(error, "the store cannot write right now")
      for write in batch { write.fail(failure) }
      return
    }
    let revision = state.withLock { $0.revision }
    let tx = StoreTransaction(rows: rows, now: Self.now(), defaultPool: defaultPool, revision: revision)
    do {
      let organizations = batch.flatMap(\.organizations)
      try await tx.lock(organizations)
      batch += more(backend.maxBatch - batch.count, Set(organizations))
      var reads = RowKeys()
      for write in batch { reads.formUnion(write.reads) }
      if !reads.isEmpty { try await rows.prefetch(reads) }
    } catch {
      await rows.rollback()
      logger.error("cannot lock the organizations of a transaction", metadata: ["error": "\(error)"])
      let failure = backend.failure(error, "the store cannot write right now")
      for write in batch { write.fail(failure) }
      return
    }
    var outcomes: [Result<@Sendable (UInt64) -> Void, DomainError>] = []
    outcomes.reserveCapacity(batch.count)
    for write in batch { outcomes.append(await run(write, in: tx)) }
    var changes = tx.changes
    do {
      // every commit that changed rows ends at a revision of its own
      if !changes.isEmpty && changes.revision == revision { changes.revision = try await tx.nextRevision() }
      let started = ContinuousClock.now
      changes.revision = try await rows.commit(changes)
      metrics.committed(writes: batch.count, in: .now - started)
    } catch {
      await rows.rollback()
      if batch.count > 1, let refusal = error as? any CommitFailure, refusal.refusedRows {
        // one write's rows may be at fault: each runs again alone (their outcomes above may
        // have depended on the others), so that only the one at fault fails
        logger.warning("the database refused a batch's rows; retrying its writes one by one", metadata: ["error": "\(error)"])
        for write in batch { await commitWrites([write]) { _, _ in [] } }
        return
      }
      logger.error("commit failed", metadata: ["error": "\(error)"])
      let failure = backend.failure(error, "the store could not commit the change")
      for (write, outcome) in zip(batch, outcomes) {
        if case .failure(let rejection) = outcome { write.fail(rejection) } else { write.fail(failure) }
      }
      return
    }
    publish(changes, source: .ownCommit)
    if !tx.audit.records.isEmpty {
      let records = tx.audit.records
      for observer in auditObservers.withLock({ $0 }) { observer(records) }
    }
    for (write, outcome) in zip(batch, outcomes) {
      switch outcome {
      case .success(let reply): reply(changes.revision)
      case .failure(let error): write.fail(error)
      }
    }
  }

  /// Runs one write of a batch; undoes it when it throws.
  func run(_ write: PendingWrite, in tx: StoreTransaction) async -> Result<@Sendable (UInt64) -> Void, DomainError> {
    do {
      try await tx.beginWrite()
    } catch {
      logger.error("cannot begin a write", metadata: ["error": "\(error)"])
      return .failure(backend.failure(error, "the store could not apply the change"))
    }
    do {
      let reply = try await write.apply(tx)
      try await tx.endWrite(keeping: true)
      return .success(reply)
    } catch {
      try? await tx.endWrite(keeping: false)
      if let error = error as? DomainError { return .failure(error) }
      logger.error("a write failed", metadata: ["error": "\(error)"])
      return .failure(backend.failure(error, "the store could not apply the change"))
    }
  }

  /// Where a change set published comes from.
  enum Source {
    /// A commit of this store.
    case ownCommit
    /// Read from the change log by a follower, through the change set's revision: every
    /// commit up to it is applied once it is.
    case followed
  }

  /// Makes a committed change set visible to reads, all at once (rows current as of `asOf`,
  /// see ``StoreSnapshot/apply(_:asOf:)``), then tells the calls waiting for the contiguous
  /// revision it reaches (``AppliedRevisions``) and the observers of the rows applied (each
  /// pool once, as last written). Every change set goes through here, this server's commits
  /// and those a follower read from the change log alike.
  func publish(_ changes: ChangeSet, asOf: UInt64? = nil, source: Source) {
    let (applied, before, revision) = state.withLock { state in
      var before: [ClusterKey: Cluster?] = [:]
      for cluster in changes.clusters where before[cluster.key] == nil { before[cluster.key] = .some(state.cluster(cluster.key)) }
      let applied = state.apply(changes, asOf: asOf)
      let contiguous = revisions.withLock { revisions in
        switch source {
        case .ownCommit: revisions.ownCommit(changes.revision)
        case .followed: revisions.followed(through: changes.revision)
        }
        return revisions.contiguous
      }
      appliedRevision.store(contiguous, ordering: .releasing)
      return (applied, before, contiguous)
    }
    revisionWaiters.advance(to: revision)
    if !applied.clusters.isEmpty {
      var seen = Set<ClusterKey>()
      let clusters = applied.clusters.reversed().filter { seen.insert($0.key).inserted }.reversed()
      let changed = clusters.map { ClusterChange(before: before[$0.key] ?? nil, after: $0) }
      for observer in clusterObservers.withLock({ $0 }) { observer(changed) }
    }
    if !applied.access.isEmpty || !applied.removedAccess.isEmpty {
      let organizations = Set(applied.access.map(\.key.organization)).union(applied.removedAccess.map(\.organization))
      for observer in accessObservers.withLock({ $0 }) { observer(organizations) }
    }
    guard !applied.pools.isEmpty else { return }
    var seen = Set<PoolKey>()
    let pools = applied.pools.reversed().filter { seen.insert($0.key).inserted }.reversed() as [ClusterPool]
    for observer in poolObservers.withLock({ $0 }) { observer(pools) }
  }

  /// The current wall-clock time.
  static func now() -> Timestamp {
    Timestamp(nanosecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1_000_000_000).rounded()))
  }
}
