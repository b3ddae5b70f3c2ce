import ClusterPoolDomain
import Foundation
import Logging

@testable import ClusterPoolSQLite
@testable import ClusterPoolStore

/// A temporary directory holding one database file, removed at the end.
struct TemporaryDatabase {
  let directory: URL
  var path: String { directory.appendingPathComponent("pools.db").path }

  init() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("pool-store-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  }

  func remove() { try? FileManager.default.removeItem(at: directory) }

  static let template = DefaultPoolTemplate(
    config: try! ClusterPoolConfig(objectStoreURI: "file:///var/lib/clusterpool/default", secretStoreType: 4),
    createdBy: .user(subject: "system"), createdAt: Timestamp(nanosecondsSinceEpoch: 0))

  func open(maxBatch: Int = 64) throws -> SQLiteClusterPoolStore {
    try SQLiteClusterPoolStore(path: path, defaultPool: Self.template, maxBatch: maxBatch, logger: Logger(label: "test"))
  }

  /// Runs `body` with a fresh store and a way to reopen it; closes and removes everything.
  static func with(_ body: (TemporaryDatabase, SQLiteClusterPoolStore) async throws -> Void) async throws {
    let database = try TemporaryDatabase()
    defer { database.remove() }
    let store = try database.open()
    do {
      try await body(database, store)
    } catch {
      await store.close()
      throw error
    }
    await store.close()
  }
}

let acme = try! Organization(validating: "acme")
let alice = Identity.user(subject: "alice")

func key(_ name: String, _ org: Organization = acme) -> PoolKey {
  PoolKey(organization: org, name: try! ResourceName(validating: name))
}

func config(_ uri: String = "s3://bucket/prefix", type: Int32 = 1) -> ClusterPoolConfig {
  try! ClusterPoolConfig(objectStoreURI: uri, secretStoreType: type, secretStoreLocator: "us-east-1", imageRegistry: "ghcr.io/acme")
}
