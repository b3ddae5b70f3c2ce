import NIOCore
@testable import RPCCore
import Testing

@Suite struct WireFormatTests {
  @Test(arguments: [
    ("1H", Duration.seconds(3600)), ("2M", .seconds(120)), ("3S", .seconds(3)),
    ("250m", .milliseconds(250)), ("7u", .microseconds(7)), ("99999999n", .nanoseconds(99_999_999)),
  ])
  func timeoutParses(_ text: String, _ expected: Duration) {
    #expect(GRPCTimeout.parse(text) == expected)
  }

  @Test(arguments: ["", "S", "10", "123456789S", "1s", "-1S", "1.5S"])
  func malformedTimeoutIsRejected(_ text: String) {
    #expect(GRPCTimeout.parse(text) == nil)
  }

  /// Eight digits of any unit parse exactly, convert to nanoseconds without trapping, and a
  /// call's timeout is capped (`2562048H` once crashed the server converting to nanoseconds).
  @Test(arguments: ["2562047H", "2562048H", "99999999H", "99999999M", "99999999S", "99999999m"])
  func eightDigitTimeoutsSaturate(_ text: String) throws {
    let parsed = try #require(GRPCTimeout.parse(text))
    #expect(parsed.saturatingNanoseconds > 0)
    let head = WireRequestHead(
      method: "POST", path: "/pkg.Service/Get", contentType: "application/grpc",
      fields: Metadata([("grpc-timeout", text)]))
    let call = try WireCall(head: head, maxMessageSize: 1024)
    #expect(call.timeout == min(parsed, WireCall.maxTimeout))
    #expect(call.timeout!.saturatingNanoseconds < Int64.max)
  }

  @Test func nanosecondsSaturateBothWays() {
    #expect(Duration.seconds(Int64.max).saturatingNanoseconds == .max)
    #expect(Duration.seconds(Int64.min).saturatingNanoseconds == .min)
    #expect(Duration.seconds(9_223_372_036).saturatingNanoseconds == 9_223_372_036_000_000_000)
    #expect(Duration.seconds(9_223_372_037).saturatingNanoseconds == .max)
    #expect(Duration.milliseconds(1500).saturatingNanoseconds == 1_500_000_000)
  }

  @Test func timeoutFormatsInTheFinestFittingUnitRoundingUp() {
    #expect(GRPCTimeout.format(.milliseconds(250)) == "250000u")
    #expect(GRPCTimeout.format(.nanoseconds(5)) == "5n")
    #expect(GRPCTimeout.format(.seconds(1000)) == "1000000m")
    #expect(GRPCTimeout.format(.seconds(200_000)) == "200000S")
    #expect(GRPCTimeout.format(.seconds(-3)) == "0n")
    for duration in [Duration.milliseconds(1234), .seconds(86400 * 30), .microseconds(17)] {
      let parsed = GRPCTimeout.parse(GRPCTimeout.format(duration))!
      #expect(parsed >= duration)
      #expect(GRPCTimeout.format(duration).utf8.count <= 9)
    }
  }

  @Test func percentEncodingRoundTrips() {
    let message = "pool 'a/b' is 100% gone: ünïcode ✓\n"
    let encoded = PercentEncoding.encode(message)
    #expect(encoded == "pool 'a/b' is 100%25 gone: %C3%BCn%C3%AFcode %E2%9C%93%0A")
    #expect(PercentEncoding.decode(encoded) == message)
    #expect(PercentEncoding.encode("plain") == "plain")
  }

  @Test func percentDecodingKeepsMalformedEscapes() {
    #expect(PercentEncoding.decode("50%") == "50%")
    #expect(PercentEncoding.decode("%zz%4") == "%zz%4")
    #expect(PercentEncoding.decode("%41%42") == "AB")
  }

  @Test func statusCodesHaveCanonicalNames() {
    #expect(RPCStatusCode.notFound.name == "NOT_FOUND")
    #expect(RPCStatusCode.internalError.name == "INTERNAL")
    #expect(RPCStatusCode.unauthenticated.rawValue == 16)
    #expect(RPCStatusCode(rawValue: 99).name == "CODE_99")
    #expect(RPCStatusCode(name: "DEADLINE_EXCEEDED") == .deadlineExceeded)
    for code in 0...16 {
      #expect(RPCStatusCode(name: RPCStatusCode(rawValue: code).name)?.rawValue == code)
    }
  }

  @Test func statusTrailersRoundTrip() {
    let error = RPCError(code: .notFound, message: "no pool 'x' — 100%", metadata: ["x-id": "7"])
    let fields = GRPCWire.statusFields(error)
    #expect(fields.map(\.0) == ["grpc-status", "grpc-message", "x-id"])
    let back = GRPCWire.status(fromTrailers: Metadata(fields))
    #expect(back == error)
    #expect(GRPCWire.status(fromTrailers: Metadata(GRPCWire.statusFields(nil))) == nil)
    #expect(GRPCWire.status(fromTrailers: [:])?.code == .internalError)
    #expect(GRPCWire.status(fromTrailers: ["grpc-status": "x"])?.code == .internalError)
  }

  @Test func contentTypesAndHTTPStatuses() {
    #expect(WireProtocol(contentType: "application/grpc") == .grpc)
    #expect(WireProtocol(contentType: "application/grpc+proto") == .grpc)
    #expect(WireProtocol(contentType: "application/grpc; charset=utf-8") == .grpc)
    #expect(WireProtocol(contentType: "application/json") == nil)
    #expect(WireProtocol(contentType: nil) == nil)
    #expect(GRPCWire.code(forHTTPStatus: 404) == .unimplemented)
    #expect(GRPCWire.code(forHTTPStatus: 503) == .unavailable)
  }

  @Test func metadataIsOrderedAndCaseInsensitive() {
    var metadata: Metadata = ["X-A": "1"]
    metadata.add("x-b", "2")
    metadata.add("X-A", "3")
    #expect(metadata.first("x-a") == "1")
    #expect(metadata.values("X-a") == ["1", "3"])
    #expect(metadata.map(\.name) == ["x-a", "x-b", "x-a"])
    metadata.remove("x-a")
    #expect(metadata.count == 1)
  }

  @Test func methodDescriptorPaths() {
    let method = MethodDescriptor(service: "cloudidl.clusterpool.ClusterPoolService", method: "Get")
    #expect(method.path == "/cloudidl.clusterpool.ClusterPoolService/Get")
    #expect(MethodDescriptor(path: method.path) == method)
    #expect(MethodDescriptor(path: "/nomethod") == nil)
    #expect(MethodDescriptor(path: "a/b") == nil)
  }

  @Test func compressionNegotiation() {
    #expect(CompressionAlgorithm.gzip.isAccepted(by: "identity, gzip"))
    #expect(!CompressionAlgorithm.gzip.isAccepted(by: "identity,deflate"))
    #expect(!CompressionAlgorithm.gzip.isAccepted(by: nil))
    #expect(CompressionAlgorithm(encodingName: "GZIP") == .gzip)
    #expect(CompressionAlgorithm(encodingName: "snappy") == nil)
  }
}

@Suite struct WireMessageTests {
  @Test func shortMessageIsSentWhole() {
    #expect(RPCError(code: .invalidArgument, message: "bad name \"x\"").wireMessage == "bad name \"x\"")
  }

  /// A long message is cut at a character boundary (never inside a multi-byte character) to at
  /// most `maxWireMessageBytes`, and says how long it was.
  @Test(arguments: [1025, 20_000, 70_000])
  func longMessageIsCut(_ count: Int) {
    let message = String(repeating: "é", count: count / 2) + String(repeating: "m", count: count % 2)
    let wire = RPCError(code: .invalidArgument, message: message).wireMessage
    #expect(wire.utf8.count <= RPCError.maxWireMessageBytes)
    #expect(wire.hasSuffix("… (\(message.utf8.count) bytes in all)"))
    #expect(wire.hasPrefix("éé"))
  }

  @Test func grpcTrailersCarryTheCutMessage() {
    let error = RPCError(code: .invalidArgument, message: String(repeating: "m", count: 70_000))
    let fields = GRPCWire.statusFields(error)
    let message = fields.first { $0.0 == "grpc-message" }?.1 ?? ""
    #expect(message.utf8.count <= RPCError.maxWireMessageBytes)
  }
}
