import Testing

@testable import ClusterPoolProto

@Suite struct ProtoRoundTripTests {
  @Test(arguments: ProtoRegistry.messageTypes.keys.sorted())
  func everyMessageTypeRoundTripsPopulated(name: String) throws {
    let type = try #require(ProtoRegistry.messageTypes[name])
    let bytes = WireFiller.populated(ProtoTables.table(named: name))
    let decoded = try type.init(serializedBytes: bytes)
    let reencoded = try decoded.serializedBytes()
    #expect(reencoded == bytes)
    let again = try type.init(serializedBytes: reencoded)
    #expect(AnyHashable(again) == AnyHashable(decoded))
    if !bytes.isEmpty { #expect(AnyHashable(decoded) != AnyHashable(type.init())) }
  }

  @Test(arguments: ProtoRegistry.messageTypes.keys.sorted())
  func everyMessageTypeEmpty(name: String) throws {
    let type = try #require(ProtoRegistry.messageTypes[name])
    #expect(try type.init().serializedBytes() == [])
    let decoded = try type.init(serializedBytes: [UInt8]())
    #expect(AnyHashable(decoded) == AnyHashable(type.init()))
  }

  @Test func clusterPoolWithEverything() throws {
    let pool = Cloudidl.Clusterpool.ClusterPool(
      id: .init(organization: "acme", name: "prod"),
      memberClusters: [.init(organization: "acme", name: "c1"), .init(organization: "acme", name: "c2")],
      config: .init(
        objectStoreRef: .init(uri: "s3://acme-pools/prod", endpoint: "https://s3.us-east-1.amazonaws.com"),
        secretStore: .init(type: .awsSecretsManager, locator: "arn:aws:secretsmanager:us-east-1:1:secret:prod"),
        imageRegistry: .init(locator: "123.dkr.ecr.us-east-1.amazonaws.com/acme")),
      deletedAt: .init(seconds: 1_700_000_000, nanos: 5),
      authorship: .init(
        createdBy: .init(principal: .user(.init(id: .init(subject: "u1"), spec: .init(firstName: "Zoë", groups: ["a", "b"])))),
        updatedBy: .init(principal: .application(.init(id: .init(subject: "app"), spec: .init(name: "ci"))))))
    let response = Cloudidl.Clusterpool.GetResponse(clusterPool: pool)
    let bytes = try response.serializedBytes()
    let decoded = try Cloudidl.Clusterpool.GetResponse(serializedBytes: bytes)
    #expect(decoded == response)
    #expect(decoded.clusterPool?.config?.secretStore?.type == .awsSecretsManager)
    #expect(decoded.clusterPool?.authorship?.createdBy?.principal == .user(.init(id: .init(subject: "u1"), spec: .init(firstName: "Zoë", groups: ["a", "b"]))))
  }

  @Test func knownEncoding() throws {
    // The same bytes the Python protobuf package produces for this request.
    let request = Cloudidl.Clusterpool.GetRequest(id: .init(organization: "acme", name: "p"))
    #expect(try request.serializedBytes() == [0x0a, 0x09, 0x0a, 0x04, 0x61, 0x63, 0x6d, 0x65, 0x12, 0x01, 0x70])
  }

  @Test func nonASCIIText() throws {
    let text = "héllo wörld ✓ 日本語 🚀 \u{10FFFF}"
    let id = Cloudidl.Common.ClusterIdentifier(organization: text, name: String(repeating: "ü", count: 300))
    let decoded = try Cloudidl.Common.ClusterIdentifier(serializedBytes: id.serializedBytes())
    #expect(decoded == id)
    #expect(decoded.organization.unicodeScalars.count == text.unicodeScalars.count)
  }

  @Test func everyScalarType() throws {
    var m = Rpctest.V1.AllTypes()
    m.fDouble = -.pi
    m.fFloat = .greatestFiniteMagnitude
    m.fInt32 = .min
    m.fInt64 = .min
    m.fUint32 = .max
    m.fUint64 = .max
    m.fSint32 = .min
    m.fSint64 = .max
    m.fFixed32 = .max
    m.fFixed64 = 1
    m.fSfixed32 = -1
    m.fSfixed64 = .min
    m.fBool = true
    m.fString = "s"
    m.fBytes = [0, 0, 0]
    m.fEnum = .negative
    m.fMode = .safe
    m.fNested = .init(a: 1, b: "b", tags: ["t1", ""], mode: .fast)
    m.fEmpty = .init()
    m.fTimestamp = .init(seconds: -1, nanos: 999_999_999)
    m.rDouble = [0, .infinity, -.infinity]
    m.rFloat = [1, 2]
    m.rInt32 = [0, -1, .max]
    m.rInt64 = [.min, .max]
    m.rUint32 = [0, .max]
    m.rUint64 = [.max]
    m.rSint32 = [-1, 1]
    m.rSint64 = [.min]
    m.rFixed32 = [1]
    m.rFixed64 = [2]
    m.rSfixed32 = [-3]
    m.rSfixed64 = [-4]
    m.rBool = [true, false, true]
    m.rString = ["", "a", "ü"]
    m.rBytes = [[], [0], [1, 2]]
    m.rEnum = [.red, .negative, .unrecognized(42)]
    m.rNested = [.init(), .init(a: 2)]
    m.rEmpty = [.init(), .init()]
    m.class = "keyword"
    m.protocol = true
    m.fMaxNumber = "536870911"
    let decoded = try Rpctest.V1.AllTypes(serializedBytes: m.serializedBytes())
    #expect(decoded == m)
    #expect(decoded.fDouble.isNaN == false)
  }

  @Test func nanSurvives() throws {
    let m = Rpctest.V1.AllTypes(fDouble: .nan)
    let decoded = try Rpctest.V1.AllTypes(serializedBytes: m.serializedBytes())
    #expect(decoded.fDouble.isNaN)
  }

  @Test(arguments: [
    Rpctest.V1.AllTypes.Choice.cInt32(0), .cInt32(-5), .cString(""), .cString("x"), .cBytes([]), .cBytes([0]),
    .cNested(.init()), .cNested(.init(a: 1)), .cEnum(.unspecified), .cEnum(.unrecognized(77)), .cDouble(0),
    .cBool(false), .cEmpty(.init()),
  ])
  func oneofMembersIncludingDefaults(choice: Rpctest.V1.AllTypes.Choice) throws {
    let m = Rpctest.V1.AllTypes(choice: choice)
    let bytes = try m.serializedBytes()
    #expect(!bytes.isEmpty, "a set oneof member is written even at its default value")
    #expect(try Rpctest.V1.AllTypes(serializedBytes: bytes).choice == choice)
  }

  @Test func oneofLastMemberWins() throws {
    // c_int32 = 5, then c_string = "s": the last one on the wire is the case.
    let bytes: [UInt8] = [0x98, 0x03, 0x05, 0xa2, 0x03, 0x01, 0x73]
    #expect(try Rpctest.V1.AllTypes(serializedBytes: bytes).choice == .cString("s"))
  }

  @Test func unknownFieldsSurvive() throws {
    let known = try Cloudidl.Common.ClusterPoolIdentifier(organization: "acme", name: "p").serializedBytes()
    // field 9 varint 300, field 10 length-delimited "xyz", field 11 fixed32, field 12 fixed64
    let unknown: [UInt8] = [0x48, 0xac, 0x02, 0x52, 0x03, 0x78, 0x79, 0x7a, 0x5d, 1, 2, 3, 4, 0x61, 1, 2, 3, 4, 5, 6, 7, 8]
    let decoded = try Cloudidl.Common.ClusterPoolIdentifier(serializedBytes: known + unknown)
    #expect(decoded.name == "p")
    #expect(decoded.unknownFields.bytes == unknown)
    #expect(try decoded.serializedBytes() == known + unknown)
    // Unknown fields in a sub-message stay with the sub-message.
    let outer: [UInt8] = [0x0a, UInt8(known.count + unknown.count)] + known + unknown
    let request = try Cloudidl.Clusterpool.GetRequest(serializedBytes: outer)
    #expect(request.id?.unknownFields.bytes == unknown)
    #expect(try request.serializedBytes() == outer)
  }

  @Test func unknownFieldsInterleavedMoveToTheEnd() throws {
    // An unknown field between known ones is written after them, as every protobuf library does.
    let bytes: [UInt8] = [0x0a, 0x01, 0x61, 0x48, 0x01, 0x12, 0x01, 0x62]
    let decoded = try Cloudidl.Common.ClusterPoolIdentifier(serializedBytes: bytes)
    #expect(try decoded.serializedBytes() == [0x0a, 0x01, 0x61, 0x12, 0x01, 0x62, 0x48, 0x01])
  }

  @Test func unknownEnumValues() throws {
    let bytes: [UInt8] = [0x08, 0x63]  // type = 99
    let store = try Cloudidl.Common.SecretStore(serializedBytes: bytes)
    #expect(store.type == .unrecognized(99))
    #expect(store.type.rawValue == 99)
    #expect(store.type.protoName == nil)
    #expect(try store.serializedBytes() == bytes)
    let negative = Cloudidl.Common.SecretStore(type: .unrecognized(-2))
    #expect(try Cloudidl.Common.SecretStore(serializedBytes: negative.serializedBytes()).type.rawValue == -2)
    let repeated = try Rpctest.V1.AllTypes(serializedBytes: [0xf2, 0x02, 0x02, 0x01, 0x63])  // r_enum packed [1, 99]
    #expect(repeated.rEnum == [.red, .unrecognized(99)])
  }

  @Test func enumNamesAndNumbers() {
    typealias SST = Cloudidl.Common.SecretStore.SecretStoreType
    #expect(SST.awsSecretsManager.rawValue == 1)
    #expect(SST.ociVault.protoName == "SECRET_STORE_TYPE_OCI_VAULT")
    #expect(SST.allCases.count == 7)
    #expect(SST(rawValue: 1) == .awsSecretsManager)
    #expect(SST.unrecognized(1) == .awsSecretsManager)
    #expect(Set([SST.unrecognized(1), .awsSecretsManager]).count == 1)
    #expect(SST() == .unspecified)
    #expect(Cloudidl.Queue.Priority.max.rawValue == 100)
    #expect(Cloudidl.Cluster.ClusterState.active.rawValue == 1)
    #expect(Cloudidl.Cluster.Status.Health.unhealthy.rawValue == 2)
    #expect(Cloudidl.Common.Sort.Direction.ascending.rawValue == 1)
    #expect(Cloudidl.Common.Filter.Function.containsCaseInsensitive.rawValue == 14)
    #expect(Grpc.Health.V1.HealthCheckResponse.ServingStatus.serviceUnknown.rawValue == 3)
  }
}
