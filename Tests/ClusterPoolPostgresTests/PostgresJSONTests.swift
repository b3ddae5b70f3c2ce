import ClusterPoolDomain
import ClusterPoolStore
import Foundation
import Testing

@testable import ClusterPoolPostgres

/// The JSON a commit sends its rows in (``PostgresJSONObject``, written by hand instead of
/// Foundation's `JSONSerialization`): strings escaped so that a JSON reader gets them back
/// exactly, numbers, booleans and nulls as JSON has them; and a row written through the store
/// with such characters reads back the same from PostgreSQL.
struct PostgresJSONTests: AcmeStoreValues {
  /// Every control character, quotes, backslashes, a slash, non-ASCII letters and an emoji.
  static let awkward = (1..<0x20).map { String(UnicodeScalar(UInt8($0))) }.joined() + "\"q\" \\b\\ / é ✓ 🚀 end"

  @Test func objectsReadBackAsWritten() throws {
    var object = PostgresJSONObject()
    object.field("text", Self.awkward)
    object.field("empty", "")
    object.field("min", Int64.min)
    object.field("max", Int64.max)
    object.field("none", Int64?.none)
    object.field("some", Int64?.some(-7))
    object.field("yes", true)
    object.field("no", false)
    object.field("list", ["a", "\"b\"", Self.awkward])
    object.field("raw", json: #"[[1,"2"]]"#)
    let array = PostgresJSON.array([object.json, PostgresJSONObject().json])
    let read = try #require(try JSONSerialization.jsonObject(with: Data(array.utf8)) as? [[String: Any]])
    #expect(read.count == 2)
    #expect(read[1].isEmpty)
    let fields = read[0]
    #expect(fields["text"] as? String == Self.awkward)
    #expect(fields["empty"] as? String == "")
    #expect((fields["min"] as? NSNumber)?.int64Value == Int64.min)
    #expect((fields["max"] as? NSNumber)?.int64Value == Int64.max)
    #expect(fields["none"] is NSNull)
    #expect((fields["some"] as? NSNumber)?.int64Value == -7)
    #expect(fields["yes"] as? Bool == true)
    #expect(fields["no"] as? Bool == false)
    #expect(fields["list"] as? [String] == ["a", "\"b\"", Self.awkward])
    #expect((fields["raw"] as? [[Any]])?.first?.last as? String == "2")
    #expect(PostgresJSON.array([]) == "[]")
  }

  @Test(.enabled(if: TestPostgres.enabled, "needs CLUSTERPOOL_TEST_POSTGRES_URL (tools/test)"))
  func awkwardStringsReadBackFromPostgres() async throws {
    try await TestPostgres.withFreshDatabase { url in
      let author = Identity.user(subject: Self.awkward)
      let store = try await PoolStore.open(
        backend: try await PostgresBackend.open(url: url, logger: logger), defaultPool: template, logger: logger)
      _ = try await store.execute(.create(poolKey("prod"), config("s3://b/\"é✓\\"), sentMembers: []), by: author)
      _ = try await store.registerCluster(clusterKey("c1"), into: try ResourceName(validating: "prod"), by: author)
      await store.close()
      let reopened = try await PoolStore.open(
        backend: try await PostgresBackend.open(url: url, logger: logger), defaultPool: template, logger: logger)
      let pool = try #require(reopened.pool(poolKey("prod")))
      #expect(pool.createdBy == author)
      #expect(pool.config.objectStoreURI == "s3://b/\"é✓\\")
      #expect(reopened.cluster(clusterKey("c1"))?.createdBy == author)
      await reopened.close()
    }
  }
}
