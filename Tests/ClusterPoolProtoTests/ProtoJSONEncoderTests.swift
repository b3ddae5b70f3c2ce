import Testing

@testable import ClusterPoolProto

/// The descriptor-driven protobuf JSON mapping, against what `json_format.MessageToDict`
/// (the official CLI's `-of json-raw`) prints for the same messages.
@Suite struct ProtoJSONEncoderTests {
  typealias AllTypes = Rpctest.V1.AllTypes

  /// Compact JSON text with the members in the encoder's order.
  static func text(_ value: ProtoJSONValue) -> String {
    switch value {
    case .string(let s): "\"\(s)\""
    case .number(let n): n
    case .bool(let b): b ? "true" : "false"
    case .array(let items): "[" + items.map(text).joined(separator: ",") + "]"
    case .object(let fields): "{" + fields.map { "\"\($0.name)\":" + text($0.value) }.joined(separator: ",") + "}"
    }
  }

  static func json(_ message: some ProtoMessage) throws -> String { text(try ProtoJSONEncoder.value(message)) }

  @Test func anEmptyMessageIsAnEmptyObject() throws {
    #expect(try Self.json(AllTypes()) == "{}")
    #expect(try Self.json(Rpctest.V1.Empty()) == "{}")
  }

  @Test func everyScalarKindInFieldNumberOrder() throws {
    var m = AllTypes()
    m.fDouble = 1.5
    m.fFloat = 0.1
    m.fInt32 = -7
    m.fInt64 = -9_007_199_254_740_993
    m.fUint32 = 4_000_000_000
    m.fUint64 = 18_446_744_073_709_551_615
    m.fSint32 = -2_147_483_648
    m.fSint64 = -3
    m.fFixed32 = 4_294_967_295
    m.fFixed64 = 5
    m.fSfixed32 = -6
    m.fSfixed64 = -9_223_372_036_854_775_808
    m.fBool = true
    m.fString = "héllo"
    m.fBytes = [0xFF, 0x00, 0x7F, 0x41]
    m.class = "k"
    m.protocol = true
    m.fMaxNumber = "max"
    #expect(
      try Self.json(m) == """
        {"fDouble":1.5,"fFloat":0.1,"fInt32":-7,"fInt64":"-9007199254740993","fUint32":4000000000,\
        "fUint64":"18446744073709551615","fSint32":-2147483648,"fSint64":"-3","fFixed32":4294967295,\
        "fFixed64":"5","fSfixed32":-6,"fSfixed64":"-9223372036854775808","fBool":true,"fString":"héllo",\
        "fBytes":"/wB/QQ==","class":"k","protocol":true,"fMaxNumber":"max"}
        """)
  }

  @Test func enumsByNameAndUndefinedNumbersAsNumbers() throws {
    var m = AllTypes()
    m.fEnum = .init(rawValue: -1)  // COLOR_NEGATIVE
    m.fMode = .init(rawValue: 9)  // not defined
    m.rEnum = [.init(rawValue: 1), .init(rawValue: 0), .init(rawValue: 42)]
    #expect(try Self.json(m) == #"{"fEnum":"COLOR_NEGATIVE","fMode":9,"rEnum":["COLOR_RED","COLOR_UNSPECIFIED",42]}"#)
  }

  @Test func repeatedFieldsPackedOrNot() throws {
    var m = AllTypes()
    m.rDouble = [0.5, -2]
    m.rFloat = [1.25]
    m.rInt32 = [1, -1]
    m.rInt64 = [2, -2]
    m.rUint64 = [3]
    m.rSint32 = [-4, 4]
    m.rFixed64 = [6]
    m.rSfixed32 = [-7]
    m.rBool = [true, false]
    m.rString = ["a", ""]
    m.rBytes = [[1], []]
    #expect(
      try Self.json(m) == """
        {"rDouble":[0.5,-2.0],"rFloat":[1.25],"rInt32":[1,-1],"rInt64":["2","-2"],"rUint64":["3"],\
        "rSint32":[-4,4],"rFixed64":["6"],"rSfixed32":[-7],"rBool":[true,false],"rString":["a",""],\
        "rBytes":["AQ==",""]}
        """)
  }

  @Test func nestedMessagesOneofsAndPresentEmptyMessages() throws {
    var m = AllTypes()
    m.fNested = .init(a: 1, b: "x", tags: ["t1", "t2"], mode: .safe)
    m.fEmpty = .init()
    m.rNested = [.init(), .init(a: 2)]
    m.rEmpty = [.init()]
    m.choice = .cNested(.init(b: "in a oneof"))
    #expect(
      try Self.json(m) == """
        {"fNested":{"a":1,"b":"x","tags":["t1","t2"],"mode":"MODE_SAFE"},"fEmpty":{},"rNested":[{},{"a":2}],\
        "rEmpty":[{}],"cNested":{"b":"in a oneof"}}
        """)
    m.choice = .cInt32(0)  // a oneof member is present even at its default
    #expect(try Self.json(m).hasSuffix(#""rEmpty":[{}],"cInt32":0}"#))
  }

  @Test(arguments: [
    (0, 0, "1970-01-01T00:00:00Z"), (1_700_000_000, 0, "2023-11-14T22:13:20Z"),
    (1_700_000_000, 120_000_000, "2023-11-14T22:13:20.120Z"), (1_700_000_000, 1_000, "2023-11-14T22:13:20.000001Z"),
    (1_700_000_000, 5, "2023-11-14T22:13:20.000000005Z"), (-1, 0, "1969-12-31T23:59:59Z"),
    (951_782_400, 0, "2000-02-29T00:00:00Z"), (253_402_300_799, 999_999_999, "9999-12-31T23:59:59.999999999Z"),
    (-62_135_596_800, 0, "0001-01-01T00:00:00Z"),
  ] as [(Int64, Int32, String)])
  func timestampsInRFC3339(_ seconds: Int64, _ nanos: Int32, _ expected: String) throws {
    var m = AllTypes()
    m.fTimestamp = .init(seconds: seconds, nanos: nanos)
    #expect(try Self.json(m) == #"{"fTimestamp":""# + expected + #""}"#)
  }

  @Test func floatsOutsideJSONNumbersAreTheMappingsStrings() throws {
    var m = AllTypes()
    m.rDouble = [.nan, .infinity, -.infinity]
    #expect(try Self.json(m) == #"{"rDouble":["NaN","Infinity","-Infinity"]}"#)
  }

  @Test(arguments: [("member_clusters", "memberClusters"), ("id", "id"), ("f_max_number", "fMaxNumber"), ("a__b", "aB"), ("x_1y", "x1y")])
  func jsonNamesAsProtocMakesThem(_ proto: String, _ json: String) {
    #expect(ProtoJSONEncoder.jsonName(proto) == json)
  }
}
