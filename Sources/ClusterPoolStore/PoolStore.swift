public import ClusterPoolDomain
public import Logging
internal import Synchronization

/// The store of pools, clusters and queues over any ``StorageBackend``: reads are served
/// from memory (one ``StoreSnapshot``, replaced as a whole by each commit); writes check the
/// domain rules and write rows in a backend transaction, batched by one write loop, and
/// return once the commit is durable and visible to reads.
///
/// A swift-service-lifecycle `Service` (``run()``): open it before serving, run it in the
/// server's `ServiceGroup`; at graceful shutdown it finishes the queued writes and closes the
/// backend. It also works without being run (``close()`` ends it).
public final class PoolStore: ClusterPoolStore, Sendable {
  let core: StoreCore
  let writes = WriteQueue()
  /// The write loop: batches of queued writes, one transaction each, until closed; then the
  /// backend is closed.
  private let loop: Task<Void, Never>
  /// Health saved before the last shutdown (live clusters, their current registration).
  let loadedHealth: [ClusterHealthRecord]
  /// Transactions that saved health (one per ``saveHealth(_:)``), for tests and logs.
  let healthSaves = Atomic<Int>(0)

  /// A store over `backend`, whose rows are `rows` (its ``StorageBackend/loadAll()``).
  /// `template` is the `default` pool of organizations that have not changed theirs; its
  /// `createdAt` is replaced by the store's creation time, so that an organization's `default`
  /// pool reads the same from its first use on, across its first write and restarts.
  public init(backend: any StorageBackend, rows: StoredRows, defaultPool template: DefaultPoolTemplate, logger: Logger) {
    var defaultPool = template
    defaultPool.createdAt = rows.createdAt
    let snapshot = StoreSnapshot(rows: rows, defaultPool: defaultPool)
    let core = StoreCore(backend: backend, state: snapshot, defaultPool: defaultPool, logger: logger)
    self.core = core
    loadedHealth = HealthWrites.current(rows.health, clusters: rows.clusters)
    let writes = self.writes
    loop = Task(executorPreference: backend.executor) {
      while let batch = await writes.next(limit: max(1, backend.maxBatch)) {
        await core.commit(batch) { limit, organizations in writes.take(limit: limit, within: organizations) }
      }
      await backend.close()
    }
    logger.info("opened the pool store", metadata: ["store": "\(backend.description)", "pools": "\(snapshot.poolCount)"])
  }

  /// Opens a store over `backend`, reading every row first (see ``init(backend:rows:defaultPool:logger:)``).
  public static func open(backend: any StorageBackend, defaultPool: DefaultPoolTemplate, logger: Logger) async throws -> PoolStore {
    PoolStore(backend: backend, rows: try await backend.loadAll(), defaultPool: defaultPool, logger: logger)
  }

  deinit { writes.close() }

  /// Finishes the writes already queued, then closes the backend; later writes fail with
  /// `.unavailable`. Returns once the backend is closed.
  public func close() async {
    writes.close()
    await loop.value
  }

  /// Queues `body` as one write touching `organizations` and returns its result once the
  /// commit is durable and visible to reads (its revision recorded in the task's
  /// ``CommittedRevisions``, when one is bound); throws the rule's ``DomainError``, or
  /// `.unavailable` (`.resourceExhausted` when the disk is full) when the store cannot commit.
  /// `reads`: the rows `body` will likely read, prefetched with the batch's (``RowKeys``).
  /// `body` may run more than once (again alone when its batch's rows were refused), each
  /// time in a transaction that is then rolled back or committed.
  ///
  /// `target`: what the write acts on; with an ``AuditCall`` bound to the task, the write's
  /// audit record (outcome OK) is appended in the same transaction, after `body` succeeded.
  ///
  /// In a dry run (``StoreDryRun/isActive`` in the task) the write runs the same way, alone in
  /// its transaction, which is then rolled back instead of committed (see
  /// ``StoreCore/rehearse(_:)``): it returns the same result or throws the same error, and
  /// records no revision.
  func perform<Result: Sendable>(
    touching organizations: [Organization], reading reads: RowKeys = RowKeys(), auditing target: AuditTarget? = nil,
    _ body: @escaping @Sendable (StoreTransaction) async throws -> Result
  ) async throws(DomainError) -> Result {
    let call = target == nil ? nil : AuditCall.current
    let dryRun = StoreDryRun.isActive
    if let call, let organization = organizations.first { call.touched.note(organization) }
    let outcome = await withCheckedContinuation {
      (continuation: CheckedContinuation<Swift.Result<(Result, UInt64), DomainError>, Never>) in
      let write = PendingWrite(
        organizations: organizations, reads: reads, dryRun: dryRun,
        apply: { tx in
          let result = try await body(tx)
          if let call, let target, let organization = organizations.first {
            try await tx.append(call.record(organization, target, .ok, at: tx.now))
          }
          return { revision in continuation.resume(returning: .success((result, revision))) }
        },
        fail: { continuation.resume(returning: .failure($0)) })
      if !writes.enqueue(write) {
        continuation.resume(returning: .failure(DomainError(.unavailable, "the store is closed: the server is shutting down")))
      }
    }
    let (result, revision) = try outcome.get()
    if !dryRun { CommittedRevisions.current?.record(revision) }
    return result
  }
}
