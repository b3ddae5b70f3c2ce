import ClusterPoolDomain
import Foundation
import Logging
import Testing

import ClusterPoolPostgres
@testable import ClusterPoolStore

/// `AuditLogContents`, what `clusterpool-server migrate` copies the audit log as: read whole
/// from a store (anchors included), compared record by record, and written into PostgreSQL as
/// it is, where every chain still verifies.
@Suite struct AuditLogContentsTests {
  let call = AuditCall(method: "/cloudidl.clusterpool.ClusterPoolService/Create", identity: alice, requestID: "r-1", peer: "127.0.0.1:5000")

  /// A log of two organizations, acme's pruned once (an anchor at record 2, records 3 and 4).
  func populated(_ store: PoolStore) async throws -> AuditLogContents {
    let beta = try Organization(validating: "beta")
    let log = try #require(store.auditLog)
    try await AuditCall.$current.withValue(call) {
      for name in ["a", "b"] { _ = try await store.execute(.create(key(name), config(), sentMembers: []), by: alice) }
      #expect(try await log.pruneAudit(before: Timestamp(nanosecondsSinceEpoch: .max)) == 2)
      for name in ["c", "d"] { _ = try await store.execute(.create(key(name), config(), sentMembers: []), by: alice) }
      _ = try await store.execute(.create(key("e", beta), config(), sentMembers: []), by: alice)
    }
    return try await log.contents(pageSize: 1)  // pages of one: the paging is walked too
  }

  @Test(arguments: StoreKind.allCases) func aStoresLogIsReadWholeWithItsAnchors(_ kind: StoreKind) async throws {
    try await kind.with { store in
      let contents = try await populated(store)
      #expect(contents.anchors.count == 1 && contents.anchors[acme]?.sequence == 2)
      #expect(contents.records.map { "\($0.organization.name) \($0.sequence)" } == ["acme 3", "acme 4", "beta 1"])
      #expect(contents.firstDifference(to: contents) == nil)
    }
  }

  @Test func theFirstDifferenceNamesTheRecordOrTheAnchor() async throws {
    try await StoreKind.memory.with { store in
      let source = try await populated(store)
      var edited = source
      edited.records[1].method = "/x/Y"
      #expect(
        source.firstDifference(to: edited)
          == "audit record 4 of organization acme: method is /cloudidl.clusterpool.ClusterPoolService/Create in the source, /x/Y in the target")
      var missing = source
      missing.records.removeLast()
      #expect(source.firstDifference(to: missing) == "audit record 1 of organization beta is missing from the target")
      var unanchored = source
      unanchored.anchors = [:]
      #expect(source.firstDifference(to: unanchored)?.hasPrefix("the audit anchor of organization acme is record 2 (") == true)
      #expect(source.firstDifference(to: unanchored)?.hasSuffix(" in the source, none in the target") == true)
    }
  }

  @Test(.enabled(if: TestPostgresDatabase.enabled)) func copiedIntoPostgreSQLItReadsBackEqualAndVerifies() async throws {
    var source = AuditLogContents()
    try await StoreKind.sqlite.with { store in source = try await populated(store) }
    let database = try TestPostgresDatabase()
    defer { database.drop() }
    let backend = try await PostgresBackend.open(url: database.url, logger: Logger(label: "test"))
    do {
      try await backend.importRows(StoredRows(createdAt: Timestamp(nanosecondsSinceEpoch: 1_000)), audit: source)
      let copy = try await backend.contents()
      #expect(source.firstDifference(to: copy) == nil)
      #expect(copy == source)
      let checked = try await backend.verifyAudit()
      #expect(checked.organizations == 2 && checked.records == 3)
      // a second copy is refused: the audit log counts as what the target holds
      await #expect(throws: PostgresTargetNotEmpty.self) {
        try await backend.importRows(StoredRows(createdAt: Timestamp(nanosecondsSinceEpoch: 1_000)), audit: source)
      }
    } catch {
      await backend.close()
      throw error
    }
    await backend.close()
  }
}
