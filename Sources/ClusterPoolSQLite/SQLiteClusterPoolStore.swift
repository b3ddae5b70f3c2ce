public import ClusterPoolDomain
public import ClusterPoolStore
public import Logging

/// The embedded store: a ``PoolStore`` over a ``SQLiteBackend``.
public typealias SQLiteClusterPoolStore = PoolStore

extension PoolStore {
  /// Opens (creating and migrating as needed) the database at `path` and loads every row;
  /// throws ``StoreOpenError`` when the file cannot be used, or when another process has it
  /// open (`PATH.lock`, taken before anything is read or written, held until ``close()``).
  /// `maxBatch` writes at most go into one transaction.
  public convenience init(path: String, defaultPool: DefaultPoolTemplate, maxBatch: Int = 64, logger: Logger) throws {
    let backend = try SQLiteBackend(path: path, maxBatch: maxBatch)
    let rows = try backend.loadRows()
    self.init(backend: backend, rows: rows, defaultPool: defaultPool, logger: logger)
  }
}
