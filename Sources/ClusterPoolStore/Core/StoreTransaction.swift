internal import ClusterPoolDomain

/// What a write sees inside a backend transaction: the backend's row reads and writes, the
/// time of the batch and the `default` pool template. Every row written goes through here and
/// is recorded in ``changes``, so all writes (pools, clusters, queues, health) have one style:
/// read rows, apply a rule of the domain, write rows, return the value to answer with; the
/// rows to publish are the transaction's business.
final class StoreTransaction {
  let rows: any RowTransaction
  /// The time recorded for every change of this batch.
  let now: Timestamp
  /// How a `default` pool looks before it is first written.
  let defaultPool: DefaultPoolTemplate
  /// The rows of every kept write so far, and the last revision handed out.
  private(set) var changes: ChangeSet
  /// Live members of the pools whose membership a write of this batch changed, kept current
  /// by the cluster writes so that each reads a pool's members once per batch, not once per
  /// registration.
  var members: [PoolKey: [ResourceName]] = [:]
  /// The audit records appended by kept writes so far, and each chain's head after them.
  private(set) var audit = AuditAppends()
  /// ``changes``, ``members`` and the count of ``audit``'s records and its heads when the current
  /// write began, restored when it is undone (a count, not a copy: an array saved whole would
  /// be copied by the write's first append, once per write of a batch).
  private var saved: (ChangeSet, [PoolKey: [ResourceName]], Int, [Organization: AuditChainHead])?

  init(rows: any RowTransaction, now: Timestamp, defaultPool: DefaultPoolTemplate, revision: UInt64) {
    self.rows = rows
    self.now = now
    self.defaultPool = defaultPool
    self.changes = ChangeSet(revision: revision)
  }

  /// Locks `organizations`: each once, in ascending order of name (see ``RowTransaction/lock(_:)``).
  func lock(_ organizations: [Organization]) async throws {
    try await rows.lock(Set(organizations).sorted { $0.name < $1.name })
  }

  /// Starts a write.
  func beginWrite() async throws {
    try await rows.beginWrite()
    saved = (changes, members, audit.records.count, audit.heads)
  }

  /// Ends the current write: keeps it, or undoes it in the backend and here.
  func endWrite(keeping: Bool) async throws {
    defer { saved = nil }
    if !keeping, let (changes, members, records, heads) = saved {
      self.changes = changes
      self.members = members
      audit.records.removeSubrange(records...)
      audit.heads = heads
    }
    try await rows.endWrite(keeping: keeping)
  }

  /// A new revision, higher than every one before.
  func nextRevision() async throws -> UInt64 {
    let revision = try await rows.nextRevision()
    changes.revision = max(changes.revision, revision)
    return revision
  }

  // MARK: reads (the backend's rows as of this transaction)

  func pool(_ key: PoolKey) async throws -> ClusterPool? { try await rows.pool(key) }
  func references(_ key: PoolKey) async throws -> PoolReferences { try await rows.poolReferences(key) }
  func cluster(_ key: ClusterKey) async throws -> Cluster? { try await rows.cluster(key) }
  func queue(_ key: QueueKey) async throws -> Queue? { try await rows.queue(key) }
  func queuesPinning(_ key: ClusterKey) async throws -> [ResourceName] { try await rows.queuesPinning(key) }
  func accessRow(_ key: AccessKey) async throws -> AccessRow? { try await rows.accessRow(key) }
  func accessRows(_ kind: AccessKind, in organization: Organization) async throws -> [AccessRow] {
    try await rows.accessRows(kind, in: organization)
  }

  // MARK: writes (recorded for publication)

  func write(_ pool: ClusterPool) async throws {
    try await rows.upsert(pool)
    changes.pools.append(pool)
  }

  /// Writes `cluster` and its implicit queue (same name and pool, live exactly when the
  /// cluster is, its `state_generation` counting the changes of that liveness).
  func write(_ cluster: Cluster) async throws {
    try await write(cluster, queueRow: try await rows.queue(QueueKey(cluster.key)))
  }

  /// ``write(_:)-cluster`` when the caller has read the queue row under the cluster's name in
  /// this write (`queueRow`, nil when there is none).
  func write(_ cluster: Cluster, queueRow: Queue?) async throws {
    try await rows.upsert(cluster)
    changes.clusters.append(cluster)
    try await write(ImplicitQueue.of(cluster, replacing: queueRow))
  }

  func write(_ queue: Queue) async throws {
    try await rows.upsert(queue)
    changes.queues.append(queue)
  }

  func removeQueue(_ key: QueueKey) async throws {
    try await rows.deleteQueue(key)
    changes.removedQueues.append(key)
  }

  func write(_ row: AccessRow) async throws {
    try await rows.upsert(row)
    changes.access.append(row)
  }

  func removeAccessRow(_ key: AccessKey) async throws {
    try await rows.deleteAccessRow(key)
    changes.removedAccess.append(key)
  }

  /// Appends `record` to its organization's audit chain (sequence number and hashes set here).
  func append(_ record: AuditRecord) async throws {
    let head: AuditChainHead
    if let known = audit.heads[record.organization] {
      head = known
    } else {
      head = try await rows.auditHead(record.organization)
    }
    let sealed = AuditChain.seal(record, after: head)
    try await rows.append(sealed)
    audit.heads[record.organization] = AuditChainHead(sequence: sealed.sequence, hash: sealed.hash)
    audit.records.append(sealed)
  }

  func saveHealth(_ record: ClusterHealthRecord) async throws { try await rows.saveHealth(record) }
  func deleteHealth(_ key: ClusterKey) async throws { try await rows.deleteHealth(key) }
}

extension QueueKey {
  /// The key of `cluster`'s implicit queue.
  init(_ cluster: ClusterKey) { self.init(organization: cluster.organization, name: cluster.name) }
}

/// The audit records a transaction appended, and the head of each chain it appended to.
struct AuditAppends {
  var records: [AuditRecord] = []
  var heads: [Organization: AuditChainHead] = [:]
}
