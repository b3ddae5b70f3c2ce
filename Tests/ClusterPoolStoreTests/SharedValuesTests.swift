import ClusterPoolDomain
import Testing

@testable import ClusterPoolStore

/// ``SharedValues``: texts repeated by loaded pools are kept once.
@Suite struct SharedValuesTests {
  func pool(_ name: String, registry: String, subject: String) throws -> ClusterPool {
    let config = try ClusterPoolConfig(
      objectStoreURI: "s3://acme-pools/\(name)", objectStoreEndpoint: "https://s3.us-east-1.amazonaws.com", secretStoreType: 1,
      secretStoreLocator: "us-east-1", imageRegistry: registry)
    return ClusterPool(
      key: PoolKey(organization: try Organization(validating: "acme"), name: try ResourceName(validating: name)), config: config,
      createdAt: Timestamp(nanosecondsSinceEpoch: 0), updatedAt: Timestamp(nanosecondsSinceEpoch: 0),
      createdBy: .user(subject: subject), updatedBy: .user(subject: subject))
  }

  /// Where a string's bytes are (each string built apart has its own).
  func storage(_ text: String) -> UnsafeRawPointer? {
    var text = text
    return text.withUTF8 { UnsafeRawPointer($0.baseAddress) }
  }

  @Test func repeatedTextsShareOneCopy() throws {
    // built at run time, so that each pool has its own copy, as rows read from a database do
    let registry = { "123456789012.dkr.ecr.us-east-1.amazonaws.com/" + String("acme".reversed().reversed()) }
    let subject = { "alice@" + String("example.com".reversed().reversed()) }
    let a = try pool("pool-a", registry: registry(), subject: subject())
    let b = try pool("pool-b", registry: registry(), subject: subject())
    #expect(storage(a.config.imageRegistry) != storage(b.config.imageRegistry))

    var values = SharedValues()
    let (sharedA, sharedB) = (values.share(a), values.share(b))
    #expect(sharedA == a && sharedB == b)
    #expect(storage(sharedA.config.imageRegistry) == storage(sharedB.config.imageRegistry))
    #expect(storage(sharedA.config.objectStoreEndpoint) == storage(sharedB.config.objectStoreEndpoint))
    #expect(storage(sharedA.createdBy.subject) == storage(sharedB.updatedBy.subject))
    // the object-store URIs differ: each keeps its own
    #expect(storage(sharedA.config.objectStoreURI) != storage(sharedB.config.objectStoreURI))
  }
}
