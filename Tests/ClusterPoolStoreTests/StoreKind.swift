import ClusterPoolDomain
import Foundation
import Logging
import Testing

import ClusterPoolPostgres
@testable import ClusterPoolSQLite
@testable import ClusterPoolStore

/// The backends the core's rules are tested against: each test taking a `StoreKind` runs
/// once per backend, with the same expectations.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
  case memory
  case sqlite
  /// A fresh database on tools/test's PostgreSQL (``TestPostgresDatabase``); left out when
  /// CLUSTERPOOL_TEST_POSTGRES_URL is unset outside CI.
  case postgres

  static var allCases: [StoreKind] { TestPostgresDatabase.enabled ? [.memory, .sqlite, .postgres] : [.memory, .sqlite] }

  var testDescription: String { rawValue }

  /// Runs `body` with a fresh store of this kind; closes and removes everything.
  func with(maxBatch: Int = 64, _ body: (PoolStore) async throws -> Void) async throws {
    switch self {
    case .memory:
      let backend = InMemoryBackend(createdAt: Timestamp(nanosecondsSinceEpoch: 1_700_000_000_000_000_000), maxBatch: maxBatch)
      let store = try await PoolStore.open(backend: backend, defaultPool: TemporaryDatabase.template, logger: Logger(label: "test"))
      try await Self.closing(store, body)
    case .sqlite:
      let database = try TemporaryDatabase()
      defer { database.remove() }
      let store = try database.open(maxBatch: maxBatch)
      try await Self.closing(store, body)
    case .postgres:
      let database = try TestPostgresDatabase()
      defer { database.drop() }
      let backend = try PostgresBackend(url: database.url, maxBatch: maxBatch, logger: Logger(label: "test"))
      let store = try await PoolStore.open(backend: backend, defaultPool: TemporaryDatabase.template, logger: Logger(label: "test"))
      try await Self.closing(store, body)
    }
  }

  /// Runs `body` with `store`, then closes it, also when `body` throws.
  private static func closing(_ store: PoolStore, _ body: (PoolStore) async throws -> Void) async throws {
    do {
      try await body(store)
    } catch {
      await store.close()
      throw error
    }
    await store.close()
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
    case .postgres:
      let database = try TestPostgresDatabase()
      return (try PostgresBackend(url: database.url, logger: Logger(label: "test")), database.drop)
    }
  }
}
