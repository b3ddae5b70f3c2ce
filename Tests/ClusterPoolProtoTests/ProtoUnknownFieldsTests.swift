import ClusterPoolProto
import Testing

@Suite struct ProtoUnknownFieldsTests {
  @Test func fieldNumbersOnceInOrder() {
    // 11 varint 1, 12 bytes "A", 11 varint 2, 2047 fixed32
    let fields = ProtoUnknownFields(bytes: [0x58, 0x01, 0x62, 0x01, 0x41, 0x58, 0x02, 0xFD, 0x7F, 1, 2, 3, 4])
    #expect(fields.fieldNumbers == [11, 12, 2047])
    #expect(ProtoUnknownFields().fieldNumbers == [])
  }

  @Test func decodedMessagesKeepWhatTheSchemaLacks() throws {
    let bytes: [UInt8] = [0x08, 0x03, 0x58, 0x01]  // run_concurrency 3, field 11 varint 1
    let spec = try bytes.withUnsafeBytes { try Cloudidl.Queue.QueueSpec(serializedBytes: $0) }
    #expect(spec.runConcurrency == 3 && spec.unknownFields.fieldNumbers == [11])
  }
}
