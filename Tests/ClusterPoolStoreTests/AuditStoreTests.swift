import ClusterPoolDomain
import Foundation
import Logging
import Testing

@testable import ClusterPoolPostgres
@testable import ClusterPoolSQLite
@testable import ClusterPoolStore

/// The audit log on every backend: a write's record lands in the write's own transaction and
/// only with it, chains per organization verify, an edited or removed record is caught, and
/// retention leaves an anchor the rest still verifies from.
@Suite struct AuditStoreTests {
  let call = AuditCall(method: "/cloudidl.clusterpool.ClusterPoolService/CreateClusterPool", identity: alice, requestID: "r-1", peer: "127.0.0.1:5000")

  func records(_ store: PoolStore, _ organization: Organization = acme) async throws -> [AuditRecord] {
    try await store.auditRecords(AuditQuery(organization: organization, limit: 1000)).records
  }

  @Test(arguments: StoreKind.allCases) func aWriteIsRecordedWithItsChangeOnly(_ kind: StoreKind) async throws {
    try await kind.with { store in
      try await AuditCall.$current.withValue(call) {
        _ = try await store.execute(.create(key("prod"), config(), sentMembers: []), by: alice)
        // a rejected write leaves no record of its own (the server records it apart)
        #expect(await code { _ = try await store.execute(.create(key("prod"), config(), sentMembers: []), by: alice) } == .alreadyExists)
        _ = try await store.registerCluster(ClusterKey(organization: acme, name: try ResourceName(validating: "c1")), into: try ResourceName(validating: "prod"), by: alice)
      }
      // a write with no call bound (the server's own) is not audited
      _ = try await store.execute(.create(key("quiet"), config(), sentMembers: []), by: alice)
      let found = try await records(store)
      #expect(found.map(\.sequence) == [1, 2])
      #expect(found.map(\.target) == [AuditTarget(kind: "pool", name: "prod"), AuditTarget(kind: "cluster", name: "c1")])
      #expect(found.allSatisfy { $0.identity == alice && $0.outcome == .ok && $0.requestID == "r-1" && $0.peer == "127.0.0.1:5000" })
      #expect(found[0].previousHash == .zero && found[1].previousHash == found[0].hash)
      #expect(found.allSatisfy { AuditChain.hash($0) == $0.hash })
      let checked = try await #require(store.auditLog).verifyAudit()
      #expect(checked.organizations == 1 && checked.records == 2)
    }
  }

  @Test(arguments: StoreKind.allCases) func concurrentWritesOfABatchChainWithoutGaps(_ kind: StoreKind) async throws {
    try await kind.with { store in
      let beta = try Organization(validating: "beta")
      try await withThrowingTaskGroup(of: Void.self) { group in
        for index in 0..<24 {
          group.addTask {
            try await AuditCall.$current.withValue(call) {
              _ = try await store.execute(.create(key("p\(index)", index % 2 == 0 ? acme : beta), config(), sentMembers: []), by: alice)
            }
          }
        }
        try await group.waitForAll()
      }
      #expect(try await records(store).map(\.sequence) == Array(1...12))
      #expect(try await records(store, beta).map(\.sequence) == Array(1...12))
      #expect(try await #require(store.auditLog).verifyAudit().records == 24)
    }
  }

  @Test(arguments: StoreKind.allCases) func anEditedOrRemovedRecordIsCaught(_ kind: StoreKind) async throws {
    try await kind.with { store in
      try await AuditCall.$current.withValue(call) {
        for name in ["a", "b", "c"] { _ = try await store.execute(.create(key(name), config(), sentMembers: []), by: alice) }
      }
      let log = try #require(store.auditLog)
      _ = try await log.verifyAudit()
      try await kind.tamperAudit(store, "UPDATE audit_records SET target_name = 'z' WHERE sequence = 2")
      var broken = await #expect(throws: AuditChainBroken.self) { try await log.verifyAudit() }
      #expect(broken?.sequence == 2 && broken?.reason.contains("edited") == true)
      try await kind.tamperAudit(store, "DELETE FROM audit_records WHERE sequence = 2")
      broken = await #expect(throws: AuditChainBroken.self) { try await log.verifyAudit() }
      #expect(broken?.sequence == 3 && broken?.reason.contains("missing") == true)
    }
  }

  @Test(arguments: StoreKind.allCases) func retentionLeavesAnAnchorTheChainContinuesFrom(_ kind: StoreKind) async throws {
    try await kind.with { store in
      try await AuditCall.$current.withValue(call) {
        for name in ["a", "b"] { _ = try await store.execute(.create(key(name), config(), sentMembers: []), by: alice) }
      }
      let log = try #require(store.auditLog)
      let before = try await records(store)
      let far = Timestamp(nanosecondsSinceEpoch: Int64.max)
      #expect(try await log.pruneAudit(before: far) == 2)
      #expect(try await records(store).isEmpty)
      #expect(try await log.auditAnchor(acme) == AuditChainHead(sequence: 2, hash: before[1].hash))
      try await AuditCall.$current.withValue(call) {
        _ = try await store.execute(.create(key("c"), config(), sentMembers: []), by: alice)
      }
      let after = try await records(store)
      #expect(after.map(\.sequence) == [3] && after[0].previousHash == before[1].hash)
      #expect(try await log.verifyAudit().records == 1)
    }
  }

  @Test(arguments: StoreKind.allCases) func recordsAppendedApartAndListedByFilter(_ kind: StoreKind) async throws {
    try await kind.with { store in
      try await AuditCall.$current.withValue(call) {
        _ = try await store.execute(.create(key("a"), config(), sentMembers: []), by: alice)
      }
      let now = Timestamp(nanosecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1e9))
      let denied = AuditCall(method: "/cloudidl.queue.QueueService/CreateQueue", identity: nil, requestID: "r-2", peer: "10.0.0.9:1")
      let sealed = try await store.appendAudit([
        denied.record(acme, .none, AuditOutcome(code: 16, message: "no credentials"), at: now, count: 500)
      ])
      #expect(sealed.map(\.sequence) == [2])
      var query = AuditQuery(organization: acme, outcome: .failure)
      #expect(try await store.auditRecords(query).records.map(\.count) == [500])
      query = AuditQuery(organization: acme, subject: "alice")
      #expect(try await store.auditRecords(query).records.map(\.sequence) == [1])
      query = AuditQuery(organization: acme, method: "CreateQueue")
      #expect(try await store.auditRecords(query).records.map(\.sequence) == [2])
      query = AuditQuery(organization: acme, limit: 1)
      let first = try await store.auditRecords(query)
      #expect(first.records.map(\.sequence) == [1] && first.next == 1)
      query.after = 1
      let second = try await store.auditRecords(query)
      #expect(second.records.map(\.sequence) == [2])
      #expect(try await store.auditLog!.verifyAudit().records == 2)
    }
  }
}

extension StoreKind {
  /// Runs `sql` on the store's audit tables behind the store's back (memory: the same change,
  /// for the two statements the tests use).
  func tamperAudit(_ store: PoolStore, _ sql: String) async throws {
    switch store.core.backend {
    case let backend as InMemoryBackend:
      backend.rows.withLock { rows in
        guard var records = rows.audit[acme], let index = records.firstIndex(where: { $0.sequence == 2 }) else { return }
        if sql.hasPrefix("DELETE") { records.remove(at: index) } else { records[index].target.name = "z" }
        rows.audit[acme] = records
      }
    case let backend as SQLiteBackend:
      let connection = try SQLiteConnection(path: backend.path)
      if sql.hasPrefix("DELETE") {
        try connection.executeScript("DELETE FROM audit_records WHERE sequence = 2")
      } else {
        try connection.executeScript("UPDATE audit_records SET target_name = 'z' WHERE sequence = 2")
      }
    case let backend as PostgresBackend:
      try await backend.client.withConnection("tamper") { connection in
        if sql.hasPrefix("DELETE") {
          try await connection.run("DELETE FROM audit_records WHERE sequence = 2", logger: Logger(label: "test"))
        } else {
          try await connection.run("UPDATE audit_records SET target_name = 'z' WHERE sequence = 2", logger: Logger(label: "test"))
        }
      }
    default:
      Issue.record("unknown backend")
    }
  }
}
