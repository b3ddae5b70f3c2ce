public import ClusterPoolDomain

/// Where a store keeps its rows: transactions over pool, cluster, queue and health rows, and
/// every row at open. The rules, write logic, read model and publication are the core's
/// (``PoolStore``); a backend maps rows and nothing else. ``InMemoryBackend`` keeps rows in
/// dictionaries; the SQLite backend in a file; a PostgreSQL backend in a database shared by
/// several servers.
///
/// The core runs one transaction at a time, on ``executor`` when there is one (SQLite's
/// writer thread, so that blocking calls never run on the cooperative pool), and groups up to
/// ``maxBatch`` queued writes into it (group commit).
public protocol StorageBackend: Sendable {
  /// The transaction type of ``begin()``.
  associatedtype Transaction: RowTransaction

  /// What the backend is, for logs and messages (e.g. `the pool database /var/lib/pools.db`).
  var description: String { get }

  /// The executor every transaction runs on; nil for any.
  var executor: (any TaskExecutor)? { get }

  /// The most writes the core puts in one transaction (1: one transaction per write).
  var maxBatch: Int { get }

  /// Every stored row, read once at open before any transaction.
  func loadAll() async throws -> StoredRows

  /// Begins a transaction (e.g. `BEGIN IMMEDIATE`).
  func begin() async throws -> Transaction

  /// The error a caller gets when the backend failed under its write (`error` thrown by a
  /// transaction call; `what` says what could not be done, e.g. "the store could not commit
  /// the change"): e.g. RESOURCE_EXHAUSTED naming the database when its disk is full, else
  /// UNAVAILABLE. Either way the caller learns that nothing was written.
  func failure(_ error: any Error, _ what: String) -> DomainError

  /// Closes the backend after the core's last transaction; releases what it holds (files,
  /// locks, connections).
  func close() async
}

/// Every row a backend holds, as read at open.
public struct StoredRows: Sendable {
  /// When the store was made: the creation time of every organization's implicit `default`
  /// pool, so that it reads the same before its first write, after it and across restarts.
  public var createdAt: Timestamp
  /// The last revision committed (0 for an empty store).
  public var revision: UInt64
  /// Every pool row, live or deleted (`memberClusters` not set: the core derives them).
  public var pools: [ClusterPool]
  /// Every cluster row, live or deleted.
  public var clusters: [Cluster]
  /// Every queue row, of its own or implicit (`lifecycle.clusterManaged`), live or deleted.
  public var queues: [Queue]
  /// Every saved health row (the core keeps those of a live cluster's current registration).
  public var health: [ClusterHealthRecord]
  /// Every identity and access row.
  public var access: [AccessRow]

  public init(
    createdAt: Timestamp, revision: UInt64 = 0, pools: [ClusterPool] = [], clusters: [Cluster] = [], queues: [Queue] = [],
    health: [ClusterHealthRecord] = [], access: [AccessRow] = []
  ) {
    self.createdAt = createdAt
    self.revision = revision
    self.pools = pools
    self.clusters = clusters
    self.queues = queues
    self.health = health
    self.access = access
  }
}
