import NIOCore
@testable import RPCCore
import Testing

@Suite struct WireCallConnectTests {
  private func head(
    _ contentType: String?, method: String = "POST", _ fields: [(String, String)] = []
  ) -> WireRequestHead {
    WireRequestHead(
      method: method, path: "/pkg.Service/Get", contentType: contentType, fields: Metadata(fields))
  }

  private func call(_ contentType: String, _ fields: [(String, String)] = []) throws -> WireCall {
    try WireCall(head: head(contentType, fields), maxMessageSize: 1024)
  }

  private func gzip(_ bytes: [UInt8]) throws -> ByteBuffer {
    var out = ByteBuffer()
    try Zlib.compress(ByteBuffer(bytes: bytes), into: &out)
    return out
  }

  @Test func contentTypesPickTheVariant() {
    #expect(WireProtocol.match(contentType: "application/proto") == .served(.connectUnary))
    #expect(WireProtocol.match(contentType: "application/connect+proto") == .served(.connectStreaming))
    #expect(WireProtocol.match(contentType: "Application/Proto; charset=utf-8") == .served(.connectUnary))
    #expect(WireProtocol.match(contentType: "application/json") == .unsupportedCodec)
    #expect(WireProtocol.match(contentType: "application/connect+json") == .unsupportedCodec)
    #expect(WireProtocol.match(contentType: "text/html") == .none)
    #expect(WireProtocol.match(contentType: nil) == .none)
  }

  @Test func jsonCodecIsAnswered415WithTheTypesWeAccept() {
    for type in ["application/json", "application/connect+json", "text/plain"] {
      do {
        _ = try WireCall(head: head(type), maxMessageSize: 1024)
        Issue.record("expected a rejection for \(type)")
      } catch {
        #expect(error.response.head?.status == 415)
        #expect(error.response.head?.first("accept-post")?.contains("application/proto") == true)
        #expect(error.response.body.map { String(buffer: $0) }?.contains("protobuf only") == true)
      }
    }
  }

  @Test func getIsAnswered405() {
    #expect(throws: WireRejection.self) {
      try WireCall(head: head("application/proto", method: "GET"), maxMessageSize: 1024)
    }
  }

  @Test func headersAreNegotiatedAndTakenOutOfTheMetadata() throws {
    let call = try call("application/proto", [
      ("connect-protocol-version", "1"), ("connect-timeout-ms", "1500"),
      ("content-encoding", "gzip"), ("accept-encoding", "br, gzip;q=0.5"),
      ("authorization", "Bearer x"), ("te", "trailers"), ("host", "h"),
    ])
    #expect(call.wireProtocol == .connectUnary)
    #expect(call.timeout == .milliseconds(1500))
    #expect(call.requestEncoding == .gzip)
    #expect(call.responseEncoding == .gzip)
    #expect(call.headerError == nil)
    #expect(Array(call.metadata.map(\.name)) == ["authorization"])
    #expect(!call.framer.isEnveloped)
  }

  @Test func missingAcceptEncodingAcceptsTheRequestEncoding() throws {
    #expect(try call("application/proto", [("content-encoding", "gzip")]).responseEncoding == .gzip)
    #expect(try call("application/proto").responseEncoding == nil)
    #expect(try call("application/proto", [("accept-encoding", "gzip;q=0")]).responseEncoding == nil)
    let streaming = try call(
      "application/connect+proto", [("connect-content-encoding", "gzip"), ("accept-encoding", "gzip")])
    #expect(streaming.requestEncoding == .gzip)
    #expect(streaming.responseEncoding == .gzip)
    #expect(streaming.framer.compression == .gzip)
  }

  @Test func badProtocolFieldsBecomeHeaderErrors() throws {
    #expect(try call("application/proto", [("content-encoding", "br")]).headerError?.code == .unimplemented)
    #expect(try call("application/proto", [("connect-timeout-ms", "12345678901")]).headerError?.code == .invalidArgument)
    #expect(try call("application/proto", [("connect-timeout-ms", "-5")]).headerError?.code == .invalidArgument)
    #expect(try call("application/proto", [("connect-protocol-version", "2")]).headerError?.code == .invalidArgument)
    #expect(try call("application/proto").headerError == nil)  // the version header is optional
  }

  @Test func statusMapsToNamesAndHTTPStatusesInOnePlace() {
    let table: [(RPCStatusCode, String, Int)] = [
      (.cancelled, "canceled", 499), (.unknown, "unknown", 500),
      (.invalidArgument, "invalid_argument", 400), (.deadlineExceeded, "deadline_exceeded", 504),
      (.notFound, "not_found", 404), (.alreadyExists, "already_exists", 409),
      (.permissionDenied, "permission_denied", 403), (.resourceExhausted, "resource_exhausted", 429),
      (.failedPrecondition, "failed_precondition", 400), (.aborted, "aborted", 409),
      (.outOfRange, "out_of_range", 400), (.unimplemented, "unimplemented", 501),
      (.internalError, "internal", 500), (.unavailable, "unavailable", 503),
      (.dataLoss, "data_loss", 500), (.unauthenticated, "unauthenticated", 401),
    ]
    for (code, name, status) in table {
      #expect(code.connectName == name)
      #expect(code.httpStatus == status)
      #expect(RPCStatusCode(connectName: name) == code)
    }
    #expect(RPCStatusCode(rawValue: 99).connectName == "unknown")
    #expect(RPCStatusCode(connectName: "NOT_FOUND") == nil)
  }

  @Test func unaryErrorIsItsHTTPStatusWithAnEscapedJSONBody() throws {
    let call = try call("application/proto")
    let error = RPCError(code: .notFound, message: "pool \"a\\b\"\n\u{1}ü not found")
    let response = call.end(error, responseStarted: false)
    #expect(response.head?.status == 404)
    #expect(response.head?.first("content-type") == "application/json")
    #expect(response.trailers == nil)
    let body = String(buffer: response.body!)
    #expect(body == #"{"code":"not_found","message":"pool \"a\\b\"\n\u0001ü not found"}"#)
    #expect(ConnectWire.error(httpStatus: 404, body: response.body!) == error)
  }

  @Test func clientsInferTheCodeWhenTheBodyIsNoError() {
    #expect(ConnectWire.error(httpStatus: 404, body: ByteBuffer(string: "not found")).code == .unimplemented)
    #expect(ConnectWire.error(httpStatus: 503, body: ByteBuffer()).code == .unavailable)
    #expect(ConnectWire.error(httpStatus: 418, body: ByteBuffer(string: "{}")).code == .unknown)
  }

  @Test func unaryBodyIsBareAndGzippedOnlyWhenAcceptedAndWorthIt() throws {
    let big = ByteBuffer(repeating: 7, count: 600)
    let plain = try call("application/proto").unaryResponse(big)
    #expect(plain.body == big)
    #expect(plain.head?.first("content-encoding") == nil)
    let gzipped = try call("application/proto", [("accept-encoding", "gzip")]).unaryResponse(big)
    #expect(gzipped.head?.first("content-encoding") == "gzip")
    #expect(try Zlib.decompress(gzipped.body!, limit: 1000) == big)
    let small = try call("application/proto", [("accept-encoding", "gzip")])
      .unaryResponse(ByteBuffer(bytes: [1, 2, 3]))
    #expect(small.head?.first("content-encoding") == nil)
  }

  @Test func bareRequestBodyIsCollectedAndInflatedAtTheEnd() throws {
    var decoder = try call("application/proto", [("content-encoding", "gzip")]).makeDecoder()
    var body = try gzip([1, 2, 3, 4])
    while let chunk = body.readSlice(length: min(3, body.readableBytes)), chunk.readableBytes > 0 {
      try decoder.append(chunk)
      #expect(try decoder.next() == nil)
    }
    #expect(try decoder.finish() == ByteBuffer(bytes: [1, 2, 3, 4]))
  }

  @Test func emptyGzipBodiesAreTheEmptyMessage() throws {
    var gzipOfNothing = try call("application/proto", [("content-encoding", "gzip")]).makeDecoder()
    try gzipOfNothing.append(try gzip([]))
    #expect(try gzipOfNothing.finish() == ByteBuffer())
    var zeroLength = try call("application/proto", [("content-encoding", "gzip")]).makeDecoder()
    #expect(try zeroLength.finish() == ByteBuffer())  // never inflated
  }

  @Test func bodyPastTheLimitFailsWithoutBeingBuffered() throws {
    var decoder = try call("application/proto").makeDecoder()
    do {
      try decoder.append(ByteBuffer(repeating: 0, count: 2000))
      Issue.record("expected RESOURCE_EXHAUSTED")
    } catch {
      #expect(error.code == .resourceExhausted)
    }
    #expect(decoder.bufferedBytes == 0)
  }

  @Test func bombInflatingPastTheLimitIsResourceExhausted() throws {
    var decoder = try call("application/proto", [("content-encoding", "gzip")]).makeDecoder()
    try decoder.append(try gzip(Array(repeating: 0, count: 256 << 10)))  // ~270 bytes
    do {
      _ = try decoder.finish()
      Issue.record("expected RESOURCE_EXHAUSTED")
    } catch {
      #expect(error.code == .resourceExhausted)
    }
  }

  @Test func streamingEndsWithAnEndOfStreamEnvelope() throws {
    let call = try call("application/connect+proto")
    let head = call.responseHead()
    #expect(head.status == 200)
    #expect(head.first("content-type") == "application/connect+proto")
    var messages = ByteBuffer()
    try call.framer.frame(ByteBuffer(bytes: [5]), into: &messages)
    let error = RPCError(code: .unavailable, message: "overloaded", metadata: ["x-a": "1"])
    let end = call.end(error, responseStarted: true)
    #expect(end.head == nil)
    #expect(end.trailers == nil)
    messages.writeImmutableBuffer(end.body!)
    var deframer = GRPCMessageDeframer(maxMessageSize: 100, endOfStreamFlag: ConnectWire.endStreamFlag)
    deframer.append(messages)
    let first = try #require(try deframer.nextEnvelope())
    #expect(!first.isEndOfStream)
    #expect(first.payload == ByteBuffer(bytes: [5]))
    let last = try #require(try deframer.nextEnvelope())
    #expect(last.isEndOfStream)
    #expect(String(buffer: last.payload)
      == #"{"error":{"code":"unavailable","message":"overloaded"},"metadata":{"x-a":["1"]}}"#)
    #expect(ConnectWire.status(fromEndStream: last.payload) == error)
    #expect(ConnectWire.status(fromEndStream: ByteBuffer(string: "{}")) == nil)
  }

  @Test func streamingErrorBeforeAnyMessageIsStill200() throws {
    let end = try call("application/connect+proto").end(
      RPCError(code: .notFound, message: "x"), responseStarted: false)
    #expect(end.head?.status == 200)
    #expect(end.body!.getInteger(at: 0, as: UInt8.self) == 0x02)
  }

  @Test func connectUnaryServesOnlyUnaryMethods() throws {
    let unary = MethodHandler.unary { bytes, _ in bytes }
    let streaming = MethodHandler.serverStreaming { _, _, _ in }
    #expect(try call("application/proto").rejection(for: unary) == nil)
    #expect(try call("application/proto").rejection(for: streaming)?.response.head?.status == 415)
    #expect(try call("application/connect+proto").rejection(for: streaming) == nil)
  }
}
