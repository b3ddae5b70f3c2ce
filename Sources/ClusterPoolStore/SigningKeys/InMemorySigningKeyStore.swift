internal import Synchronization

/// Signing keys kept in memory only: for the in-memory store backend and for tests. A server
/// on a real store keeps them in its database.
public final class InMemorySigningKeyStore: SigningKeyStore {
  private let records = Mutex<[SigningKeyRecord]>([])

  public init() {}

  public func signingKeys() async throws -> [SigningKeyRecord] { records.withLock { $0 } }

  public func addSigningKey(_ key: SigningKeyRecord, retiring retire: [String]) async throws {
    records.withLock { records in
      for index in records.indices where retire.contains(records[index].id) {
        records[index].retiredAt = key.createdAt
      }
      records.append(key)
    }
  }
}
