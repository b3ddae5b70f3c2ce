import Testing

@testable import ClusterPoolProto

@Suite struct ProtoRejectionTests {
  typealias ID = Cloudidl.Common.ClusterPoolIdentifier

  func decodeError<M: ProtoMessage>(_: M.Type, _ bytes: [UInt8]) -> ProtoDecodingError? {
    do {
      _ = try M(serializedBytes: bytes)
      return nil
    } catch let error as ProtoDecodingError {
      return error
    } catch {
      Issue.record("unexpected error type \(error)")
      return nil
    }
  }

  @Test func nulInStringRejectedOnDecode() throws {
    let error = try #require(decodeError(ID.self, [0x12, 0x03, 0x61, 0x00, 0x62]))
    #expect(error.description.contains("field cloudidl.common.ClusterPoolIdentifier.name: string contains a NUL byte"))
    #expect(error.messageName == "cloudidl.common.ClusterPoolIdentifier")
  }

  @Test func nulInNestedRepeatedAndOneofStrings() {
    // GetRequest.id.name = "a\0"
    #expect(decodeError(Cloudidl.Clusterpool.GetRequest.self, [0x0a, 0x04, 0x12, 0x02, 0x61, 0x00]) != nil)
    // UserSpec.groups = ["ok", "\0"]
    #expect(decodeError(Cloudidl.Common.UserSpec.self, [0x32, 0x02, 0x6f, 0x6b, 0x32, 0x01, 0x00]) != nil)
    // AllTypes.c_string = "\0"
    #expect(decodeError(Rpctest.V1.AllTypes.self, [0xa2, 0x03, 0x01, 0x00]) != nil)
    // Bytes fields may hold NUL bytes.
    #expect(decodeError(Rpctest.V1.AllTypes.self, [0x7a, 0x02, 0x00, 0x00]) == nil)
  }

  @Test(arguments: [
    [0xc3, 0x28], [0xff], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf4, 0x90, 0x80, 0x80], [0x80],
  ] as [[UInt8]])
  func invalidUTF8Rejected(text: [UInt8]) throws {
    let error = try #require(decodeError(ID.self, [0x0a, UInt8(text.count)] + text))
    #expect(error.reason.contains("field cloudidl.common.ClusterPoolIdentifier.organization: string is not valid UTF-8"))
  }

  @Test func nulRejectedOnEncode() throws {
    let id = ID(organization: "acme", name: "a\u{0}b")
    let error = try #require(throws: ProtoEncodingError.self) { try id.serializedBytes() }
    #expect(error.description.contains("field cloudidl.common.ClusterPoolIdentifier.name: string contains a NUL byte"))
    let nested = Cloudidl.Common.UserSpec(groups: ["ok", "\u{0}"])
    #expect(throws: ProtoEncodingError.self) { try nested.serializedBytes() }
    let oneof = Rpctest.V1.AllTypes(choice: .cString("\u{0}"))
    #expect(throws: ProtoEncodingError.self) { try oneof.serializedBytes() }
  }

  @Test(arguments: [
    ([0x0a], "truncated varint"),  // tag, then nothing
    ([0x08, 0xff], "truncated varint"),
    ([0x0a, 0x05, 0x61], "runs past the end"),
    ([0x0f, 0x00], "invalid wire type 7"),
    ([0x0b, 0x0c], "groups"),
    ([0x00, 0x01], "field number 0"),
    ([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], "varint longer than 10 bytes"),
    ([0x0d, 0x01, 0x02], "runs past the end"),
  ] as [([UInt8], String)])
  func malformedBytesRejected(bytes: [UInt8], reason: String) throws {
    let error = try #require(decodeError(ID.self, bytes))
    #expect(error.reason.contains(reason), "\(error)")
  }

  @Test func wrongWireTypeForKnownField() {
    // name (a string) sent as a varint: protobuf-c refuses it.
    #expect(decodeError(ID.self, [0x10, 0x01]) != nil)
  }

  @Test func malformedInsideSubMessage() throws {
    let error = try #require(decodeError(Cloudidl.Clusterpool.GetRequest.self, [0x0a, 0x02, 0x12, 0x05]))
    #expect(error.reason.contains("cloudidl.common.ClusterPoolIdentifier"))
  }

  @Test func malformedUnknownFieldsRejectedOnEncode() {
    var id = ID(name: "x")
    id.unknownFields = ProtoUnknownFields(bytes: [0x52, 0x05, 0x01])
    #expect(throws: ProtoEncodingError.self) { try id.serializedBytes() }
  }

  @Test func concurrentUse() async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
      for i in 0..<8 {
        group.addTask {
          for j in 0..<200 {
            let m = Cloudidl.Clusterpool.ListResponse(
              clusterPools: [.init(id: .init(organization: "o\(i)", name: "p\(j)"))], token: "t\(j)")
            let decoded = try Cloudidl.Clusterpool.ListResponse(serializedBytes: m.serializedBytes())
            #expect(decoded == m)
          }
        }
      }
      try await group.waitForAll()
    }
  }
}
