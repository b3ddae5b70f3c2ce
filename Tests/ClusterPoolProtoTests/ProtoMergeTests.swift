import Testing

@testable import ClusterPoolProto

/// A singular sub-message sent more than once is merged, as protobuf's encoding rules say (and
/// Python protobuf does): the bytes read as if the occurrences' payloads had been one.
@Suite struct ProtoMergeTests {
  typealias Spec = Cloudidl.Queue.QueueSpec
  typealias Update = Cloudidl.Queue.UpdateQueueRequest

  func field(_ number: Int, _ payload: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    ProtoWire.appendVarint(UInt64(number << 3 | 2), to: &out)
    ProtoWire.appendVarint(UInt64(payload.count), to: &out)
    return out + payload
  }

  func bytes(_ m: some ProtoMessage) throws -> [UInt8] { try m.serializedBytes() }

  @Test func scalarsOfAnEarlierOccurrenceSurvive() throws {
    let first = try bytes(Spec(runConcurrency: 5, priority: .init(rawValue: 1), clusters: ["a"], clusterPoolName: "p"))
    let second = try bytes(Spec(actionConcurrency: 7, clusters: ["b"]))
    let request = try Update(serializedBytes: field(2, first) + field(2, second))
    let expected = Spec(
      runConcurrency: 5, actionConcurrency: 7, priority: .init(rawValue: 1), clusters: ["a", "b"], clusterPoolName: "p")
    #expect(request.spec == expected)
  }

  @Test func laterScalarsWin() throws {
    let request = try Update(
      serializedBytes: field(2, try bytes(Spec(runConcurrency: 5, depth: 1)))
        + field(1, try bytes(Cloudidl.Common.QueueIdentifier(name: "q")))
        + field(2, try bytes(Spec(runConcurrency: 9))))
    #expect(request.spec == Spec(runConcurrency: 9, depth: 1))
    #expect(request.id?.name == "q")
  }

  @Test func nestedDuplicatesMergeAtEveryLevel() throws {
    // AllTypes.f_nested twice, each inside an AllTypes.c_nested... use Queue.spec inside
    // UpdateQueueResponse.queue: queue twice, each with spec once.
    typealias Queue = Cloudidl.Queue.Queue
    let a = try bytes(Queue(spec: Spec(runConcurrency: 3)))
    let b = try bytes(Queue(spec: Spec(depth: 4), status: .init(stateGeneration: 2)))
    let response = try Cloudidl.Queue.UpdateQueueResponse(serializedBytes: field(1, a) + field(1, b))
    #expect(response.queue?.spec == Spec(runConcurrency: 3, depth: 4))
    #expect(response.queue?.status?.stateGeneration == 2)
  }

  @Test func repeatedMessagesAreNotMerged() throws {
    let one = try bytes(Rpctest.V1.AllTypes.Nested(a: 1))
    let two = try bytes(Rpctest.V1.AllTypes.Nested(b: "x"))
    // r_nested = 47, plus a duplicated f_nested = 17 so the rewrite runs.
    let m = try Rpctest.V1.AllTypes(
      serializedBytes: field(47, one) + field(17, one) + field(47, two) + field(17, two))
    #expect(m.rNested == [.init(a: 1), .init(b: "x")])
    #expect(m.fNested == .init(a: 1, b: "x"))
  }

  @Test func oneofMemberMergesUntilAnotherMemberIsSet() throws {
    let one = try bytes(Rpctest.V1.AllTypes.Nested(a: 1))
    let two = try bytes(Rpctest.V1.AllTypes.Nested(b: "x"))
    let cString = field(52, Array("s".utf8))
    // c_nested, c_nested: merged.
    #expect(try Rpctest.V1.AllTypes(serializedBytes: field(54, one) + field(54, two)).choice == .cNested(.init(a: 1, b: "x")))
    // c_nested, c_string, c_nested: the string replaced the first, the last starts afresh.
    #expect(try Rpctest.V1.AllTypes(serializedBytes: field(54, one) + cString + field(54, two)).choice == .cNested(.init(b: "x")))
    // c_nested, c_nested, c_string: the string wins.
    #expect(try Rpctest.V1.AllTypes(serializedBytes: field(54, one) + field(54, two) + cString).choice == .cString("s"))
  }

  @Test func unknownFieldsOfBothOccurrencesKeptInOrder() throws {
    let first = try bytes(Spec(runConcurrency: 5)) + [0xc0, 0x3e, 0x01]  // 1000: 1
    let second = try bytes(Spec(depth: 2)) + [0xc0, 0x3e, 0x02]  // 1000: 2
    let request = try Update(serializedBytes: field(2, first) + field(2, second))
    #expect(request.spec?.unknownFields.bytes == [0xc0, 0x3e, 0x01, 0xc0, 0x3e, 0x02])
    #expect(request.spec?.runConcurrency == 5)
  }

  @Test func longMergedPayloadGetsAMinimalLength() throws {
    // Two 100-byte occurrences: merged, 200 bytes need a 2-byte length.
    let first = try bytes(Spec(clusterPoolName: String(repeating: "a", count: 97)))
    let second = try bytes(Spec(clusters: [String(repeating: "b", count: 97)]))
    let merged = try first.withUnsafeBytes { _ in
      try (field(2, first) + field(2, second)).withUnsafeBytes {
        ProtoWire.mergingDuplicateMessages($0, Update.protoTable)
      }
    }
    #expect(merged == field(2, first + second))
  }
}
