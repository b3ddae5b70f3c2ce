import ClusterPoolDomain
import ClusterPoolProto
import NIOCore
import Testing

@testable import ClusterPoolServer

/// The encoded-response cache behind Get and List.
@Suite struct ClusterPoolServiceCacheTests {
  let template = DefaultPoolTemplate(
    config: try! ClusterPoolConfig(objectStoreURI: "s3://a", secretStoreType: 1), createdBy: .user(subject: "u"),
    createdAt: Timestamp(nanosecondsSinceEpoch: 0))

  func decode(_ buffer: ByteBuffer) throws -> Cloudidl.Clusterpool.GetResponse {
    try Cloudidl.Clusterpool.GetResponse(serializedBytes: Array(buffer.readableBytesView))
  }

  @Test func cachedBytesFollowTheRevision() throws {
    let cache = EncodedPoolCache()
    var pool = template.pool(for: try Organization(validating: "acme"))
    pool.revision = 7
    let first = try cache.entry(for: pool)
    #expect(try decode(first.getResponse).clusterPool == ClusterPoolMessages.message(pool))
    #expect(try Cloudidl.Clusterpool.ClusterPool(serializedBytes: Array(first.pool.readableBytesView)) == ClusterPoolMessages.message(pool))
    pool.config.objectStoreURI = "s3://changed"
    #expect(try decode(cache.entry(for: pool).getResponse).clusterPool?.config?.objectStoreRef?.uri == "s3://a", "same revision: cached")
    pool.revision = 8
    #expect(try decode(cache.entry(for: pool).getResponse).clusterPool?.config?.objectStoreRef?.uri == "s3://changed")
  }

  @Test func implicitDefaultPoolsAreNotCached() throws {
    let cache = EncodedPoolCache()
    var pool = template.pool(for: try Organization(validating: "any-org"))
    #expect(pool.revision == 0)
    _ = try cache.entry(for: pool)
    pool.config.objectStoreURI = "s3://other"
    #expect(try decode(cache.entry(for: pool).getResponse).clusterPool?.config?.objectStoreRef?.uri == "s3://other")
  }

  @Test func varintsAndFieldsEncodeLikeProtobuf() throws {
    var buffer = ByteBuffer()
    EncodedPoolCache.writeVarint(300, into: &buffer)
    #expect(Array(buffer.readableBytesView) == [0xAC, 0x02])
    var field = ByteBuffer()
    EncodedPoolCache.writeField(2, ByteBuffer(string: "tok"), into: &field)
    let list = try Cloudidl.Clusterpool.ListResponse(serializedBytes: Array(field.readableBytesView))
    #expect(list.token == "tok")
  }
}
