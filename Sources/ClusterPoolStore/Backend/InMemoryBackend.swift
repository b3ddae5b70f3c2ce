public import ClusterPoolDomain
internal import Synchronization

/// A backend keeping its rows in memory: nothing survives the process. A real backend, not a
/// test double: the core's rules run against it exactly as against SQLite, and a server
/// without a database file (`--ephemeral`) can use it. A transaction changes the rows in place
/// and keeps how to undo each change (so a write costs what it changes, however many rows
/// there are): a write ended with `keeping: false`, or a transaction rolled back, is undone.
/// The core runs one transaction at a time, and reads every row (``loadAll()``) only at open.
public final class InMemoryBackend: StorageBackend {
  let rows: Mutex<InMemoryRows>
  public let maxBatch: Int

  /// An empty store made at `createdAt` (the implicit `default` pools' creation time), whose
  /// transactions take up to `maxBatch` writes.
  public init(createdAt: Timestamp, maxBatch: Int = 64) {
    rows = Mutex(InMemoryRows(createdAt: createdAt))
    self.maxBatch = maxBatch
  }

  public var description: String { "the in-memory store" }
  public var executor: (any TaskExecutor)? { nil }

  public func loadAll() async throws -> StoredRows { rows.withLock { $0.stored } }

  public func begin() async throws -> InMemoryTransaction { InMemoryTransaction(backend: self) }

  public func failure(_ error: any Error, _ what: String) -> DomainError {
    DomainError(.unavailable, "\(what): \(error); retry later")
  }

  public func close() async {}
}

/// The rows of an ``InMemoryBackend``, as one value.
struct InMemoryRows: Sendable {
  var createdAt: Timestamp
  var revision: UInt64 = 0
  var pools: [PoolKey: ClusterPool] = [:]
  var clusters: [ClusterKey: Cluster] = [:]
  var queues: [QueueKey: Queue] = [:]
  var health: [ClusterKey: ClusterHealthRecord] = [:]
  var access: [AccessKey: AccessRow] = [:]
  /// Each organization's audit records, by sequence number (1, 2, ...; pruned ones gone).
  var audit: [Organization: [AuditRecord]] = [:]
  /// Each organization's audit anchor (the last pruned record's head).
  var auditAnchors: [Organization: AuditChainHead] = [:]

  init(createdAt: Timestamp) { self.createdAt = createdAt }

  var stored: StoredRows {
    StoredRows(
      createdAt: createdAt, revision: revision, pools: Array(pools.values), clusters: Array(clusters.values),
      queues: Array(queues.values), health: Array(health.values),
      access: Array(access.values))
  }
}

extension InMemoryBackend: AuditLogStorage {
  public func auditRecords(_ organization: Organization, after: UInt64, since: Timestamp?, limit: Int) async throws -> [AuditRecord] {
    rows.withLock { rows in
      Array((rows.audit[organization] ?? []).lazy.filter { $0.sequence > after && (since == nil || !($0.time < since!)) }.prefix(limit))
    }
  }

  public func auditHead(_ organization: Organization) async throws -> AuditChainHead {
    rows.withLock { rows in
      if let last = rows.audit[organization]?.last { return AuditChainHead(sequence: last.sequence, hash: last.hash) }
      return rows.auditAnchors[organization] ?? .empty
    }
  }

  public func auditOrganizations() async throws -> [Organization] {
    rows.withLock { Set($0.audit.keys).union($0.auditAnchors.keys).sorted() }
  }

  public func auditAnchor(_ organization: Organization) async throws -> AuditChainHead? {
    rows.withLock { $0.auditAnchors[organization] }
  }

  public func pruneAudit(before cutoff: Timestamp) async throws -> Int {
    rows.withLock { rows in
      var removed = 0
      for (organization, records) in rows.audit {
        guard let last = records.lastIndex(where: { $0.time < cutoff }) else { continue }
        rows.auditAnchors[organization] = AuditChainHead(sequence: records[last].sequence, hash: records[last].hash)
        rows.audit[organization] = Array(records[(last + 1)...])
        removed += last + 1
      }
      return removed
    }
  }
}
