public import ClusterPoolDomain
internal import Foundation
public import Logging
internal import Synchronization

/// The embedded store: one SQLite file (WAL, `synchronous=FULL`), its single writer on a
/// dedicated thread, and the in-memory ``PoolCatalog`` every read is served from. The
/// catalog changes only after a commit succeeded, and is rebuilt from the file at start.
public final class SQLiteClusterPoolStore: ClusterPoolStore {
  let catalog: Mutex<PoolCatalog>
  /// Every stored cluster, live or deleted; changed only after a commit, like the catalog.
  let clusters: Mutex<[ClusterKey: Cluster]>
  /// Every stored queue of its own, live or deleted; changed only after a commit.
  let queues: Mutex<[QueueKey: Queue]>
  /// Health saved before the last shutdown (live clusters, their current registration).
  let loadedHealth: [ClusterHealthRecord]
  /// Transactions that saved health (one per ``saveHealth(_:)``), for tests and logs.
  let healthSaves = Atomic<Int>(0)
  /// Told about the pools of every commit (``observePools(_:)``).
  let poolObservers = Mutex<[@Sendable ([ClusterPool]) -> Void]>([])
  let logger: Logger
  let defaultPool: DefaultPoolTemplate
  /// The database file's path, as given.
  let path: String
  /// This process's exclusive right to the file, held until ``close()``.
  let lock: DatabaseLock
  private let writer: WriterThread<Write>
  /// The connection; touched only on the writer thread (and in `init`, before it starts).
  nonisolated(unsafe) let connection: SQLiteConnection
  /// Last revision handed out; writer thread only.
  nonisolated(unsafe) var revision: UInt64

  /// Opens (creating and migrating as needed) the database at `path` and loads every pool;
  /// throws ``StoreOpenError`` when the file cannot be used, or when another process has it
  /// open (`PATH.lock`, taken before anything is read or written, held until ``close()``).
  /// `defaultPool` is the `default` pool of organizations that have not changed theirs; its
  /// `createdAt` is replaced by the database's creation time, so that an organization's
  /// `default` pool reads the same from its first use on, across its first write and restarts.
  public init(path: String, defaultPool template: DefaultPoolTemplate, maxBatch: Int = 64, logger: Logger) throws {
    let connection: SQLiteConnection
    var defaultPool = template
    var catalog: PoolCatalog
    var revision: UInt64 = 0
    var clusters: [ClusterKey: Cluster] = [:]
    var queues: [QueueKey: Queue] = [:]
    var health: [ClusterHealthRecord] = []
    let lock = try DatabaseLock(databasePath: path)
    do {
      connection = try SQLiteConnection(path: path)
      try SQLiteSchema.configure(connection)
      try SQLiteSchema.migrate(connection)
      defaultPool.createdAt = try SQLiteSchema.createdAt(connection)
      catalog = PoolCatalog(defaultPool: defaultPool)
      for pool in try PoolRows.all(connection) {
        catalog.upsert(pool)
        revision = max(revision, pool.revision)
      }
      for cluster in try ClusterRows.all(connection) { clusters[cluster.key] = cluster }
      for queue in try QueueRows.all(connection) { queues[queue.key] = queue }
      health = try ClusterHealthRows.all(connection)
    } catch let error as StoreOpenError {
      lock.release()
      throw StoreOpenError("cannot open the pool database \(path): \(error.description)")
    } catch {
      lock.release()
      throw StoreOpenError("cannot open the pool database \(path): \(error)")
    }
    self.path = path
    self.lock = lock
    self.connection = connection
    self.revision = revision
    self.catalog = Mutex(catalog)
    self.clusters = Mutex(clusters)
    self.queues = Mutex(queues)
    self.loadedHealth = health
    self.logger = logger
    self.defaultPool = defaultPool
    logger.info("opened the pool store", metadata: ["path": "\(path)", "pools": "\(catalog.count)"])
    let box = WriterBox()
    self.writer = WriterThread(
      name: "sqlite-writer", maxBatch: maxBatch,
      drain: { batch in box.store?.commit(batch) },
      stop: {
        guard let store = box.store else { return }  // going away: its deinit closes the files
        store.connection.close()
        store.lock.release()
      })
    box.store = self
  }

  deinit { writer.requestClose() }

  public func pool(_ key: PoolKey) -> ClusterPool? {
    catalog.withLock { $0.pool(key) }
  }

  public func list(_ organization: Organization, _ query: ListQuery) -> ListPage {
    catalog.withLock { $0.list(organization, query) }
  }

  public func execute(_ command: PoolCommand, by actor: Identity) async throws(DomainError) -> ClusterPool {
    let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<ClusterPool, DomainError>, Never>) in
      let write = Write(
        apply: { tx in
          let pools = try PoolWrites.apply(command, by: actor, in: &tx)
          let pool = pools.last!
          return Committed(pools: pools, reply: { continuation.resume(returning: .success(pool)) })
        },
        fail: { continuation.resume(returning: .failure($0)) })
      if !enqueue(write) {
        continuation.resume(returning: .failure(DomainError(.unavailable, "the store is closed: the server is shutting down")))
      }
    }
    return try result.get()
  }

  /// Queues a write for the writer thread; false when the store is closing.
  func enqueue(_ write: Write) -> Bool { writer.enqueue(write) }

  public func close() async {
    let writer = self.writer
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      Thread.detachNewThread {
        writer.close()
        continuation.resume()
      }
    }
  }

  /// The current wall-clock time.
  static func now() -> Timestamp {
    Timestamp(nanosecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1_000_000_000).rounded()))
  }
}

/// Lets the writer thread reach the store once `init` has finished (weakly, so a store that
/// is no longer used can go away).
private final class WriterBox: @unchecked Sendable {
  weak var store: SQLiteClusterPoolStore?
}
