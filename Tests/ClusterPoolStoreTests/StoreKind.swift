import ClusterPoolDomain
import Foundation
import Logging
import Testing

@testable import ClusterPoolSQLite
@testable import ClusterPoolStore

/// The backends the core's rules are tested against: each test taking a `StoreKind` runs
/// once per backend, with the same expectations.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
  case memory
  case sqlite

  var testDescription: String { rawValue }

  /// Runs `body` with a fresh store of this kind; closes and removes everything.
  func with(maxBatch: Int = 64, _ body: (PoolStore) async throws -> Void) async throws {
    switch self {
    case .memory:
      let backend = InMemoryBackend(createdAt: Timestamp(nanosecondsSinceEpoch: 1_700_000_000_000_000_000), maxBatch: maxBatch)
      let store = try await PoolStore.open(backend: backend, defaultPool: TemporaryDatabase.template, logger: Logger(label: "test"))
      do {
        try await body(store)
      } catch {
        await store.close()
        throw error
      }
      await store.close()
    case .sqlite:
      let database = try TemporaryDatabase()
      defer { database.remove() }
      let store = try database.open(maxBatch: maxBatch)
      do {
        try await body(store)
      } catch {
        await store.close()
        throw error
      }
      await store.close()
    }
  }

  /// A fresh backend of this kind and a way to remove what it left (for tests of the row
  /// protocol itself).
  func backend() throws -> (any StorageBackend, cleanup: () -> Void) {
    switch self {
    case .memory:
      return (InMemoryBackend(createdAt: Timestamp(nanosecondsSinceEpoch: 1_700_000_000_000_000_000)), {})
    case .sqlite:
      let database = try TemporaryDatabase()
      return (try SQLiteBackend(path: database.path), database.remove)
    }
  }
}
