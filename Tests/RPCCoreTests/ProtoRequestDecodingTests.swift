import ClusterPoolProto
import NIOCore
@testable import RPCCore
import Testing

/// Requests of every registered protobuf method are decoded through
/// `ProtoDeserializer.deserializeRequest`: undefined enum values and values past the request
/// limits are refused there, before any handler runs; replies decoded by clients are not.
@Suite struct ProtoRequestDecodingTests {
  typealias UpdateStatus = Cloudidl.Cluster.UpdateStatusRequest

  func buffer(_ m: some ProtoMessage) throws -> ByteBuffer { ByteBuffer(bytes: try m.serializedBytes()) }

  @Test func undefinedEnumInARequestIsInvalidArgumentNamingTheField() throws {
    let request = UpdateStatus(status: .init(health: .init(rawValue: 7)))
    let error = try #require(throws: RPCError.self) {
      try ProtoDeserializer<UpdateStatus>().decodeRequest(try buffer(request))
    }
    #expect(error.code == .invalidArgument)
    #expect(error.message.contains("status.health: unknown enum value 7"), "\(error)")
    // A client reading a reply keeps the number.
    #expect(try ProtoDeserializer<UpdateStatus>().deserialize(try buffer(request)).status?.health.rawValue == 7)
    // Defined values pass.
    let fine = UpdateStatus(status: .init(health: .healthy))
    #expect(try ProtoDeserializer<UpdateStatus>().decodeRequest(try buffer(fine)) == fine)
  }

  @Test func tooManyValuesIsResourceExhausted() throws {
    let list = Cloudidl.Common.ListRequest(filters: Array(repeating: .init(), count: 11))
    let deserializer = ProtoDeserializer<Cloudidl.Common.ListRequest>(requestLimits: .init(maxFieldValues: 10))
    let error = try #require(throws: RPCError.self) { try deserializer.decodeRequest(try buffer(list)) }
    #expect(error.code == .resourceExhausted)
    #expect(error.message.contains("cloudidl.common.ListRequest.filters"), "\(error)")
    #expect(try ProtoDeserializer<Cloudidl.Common.ListRequest>().decodeRequest(try buffer(list)) == list)
  }
}
