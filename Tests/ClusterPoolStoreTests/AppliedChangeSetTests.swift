import ClusterPoolDomain
import Foundation
import Synchronization
import Testing

@testable import ClusterPoolStore

/// ``PoolStore/apply(_:asOf:)``, the follower's hook: a row replaces the one in memory only
/// when current as of at least as late a revision, so a follower's rows applied after the
/// store's own later commit (or an entry applied twice) never bring an older row back, and
/// observers hear only of the rows applied.
@Suite struct AppliedChangeSetTests {
  @Test func anOlderRowNeverReplacesANewerOne() async throws {
    try await StoreKind.memory.with { store in
      let observed = Observed()
      store.observePools { pools in observed.add(pools.filter { $0.name.value == "prod" }.map(\.config.objectStoreURI)) }
      let created = try await store.execute(.create(key("prod"), config(), sentMembers: []), by: alice)
      let committed = store.revision
      var older = created
      older.config = try ClusterPoolConfig(objectStoreURI: "s3://older/rows", secretStoreType: 1)
      // a follower's rows as of a revision before the store's own commit
      store.apply(ChangeSet(revision: committed - 1, pools: [older]))
      #expect(store.pool(key("prod")) == created)
      #expect(store.revision == committed)
      // rows as of a later revision (read after the commit) replace it, and are told
      var newer = created
      newer.config = try ClusterPoolConfig(objectStoreURI: "s3://newer/rows", secretStoreType: 1)
      store.apply(ChangeSet(revision: committed, pools: [newer]), asOf: committed + 5)
      #expect(store.pool(key("prod")) == newer)
      // the store's own commit the follower raced: older than the rows held, so kept out
      store.apply(ChangeSet(revision: committed + 3, pools: [created]))
      #expect(store.pool(key("prod")) == newer)
      #expect(store.revision == committed + 3)
      #expect(observed.uris == [created.config.objectStoreURI, "s3://newer/rows"])
    }
  }

  final class Observed: Sendable {
    let lock = Mutex<[String]>([])
    func add(_ uris: [String]) { lock.withLock { $0 += uris } }
    var uris: [String] { lock.withLock { $0 } }
  }
}
