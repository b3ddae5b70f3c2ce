import NIOCore
@testable import RPCCore
@testable import RPCHTTP2
import Testing
import RPCTestSupport

/// gRPC-Web and Connect against the real HTTP/2 server, with the same registry gRPC uses:
/// no method knows which protocol called it.
@Suite struct WireVariantTests {
  private func envelopes(_ body: ByteBuffer, endFlag: UInt8) throws -> [GRPCEnvelope] {
    var deframer = GRPCMessageDeframer(maxMessageSize: 1 << 20, endOfStreamFlag: endFlag)
    deframer.append(body)
    var out: [GRPCEnvelope] = []
    while let envelope = try deframer.nextEnvelope() { out.append(envelope) }
    #expect(!deframer.hasPartialMessage)
    return out
  }

  @Test func connectUnaryInlineAndTaskMethodsAnswerBareBodies() async throws {
    let test = try await TestServer.start()
    let raw = try await RawHTTP2Client.connect(port: test.port)
    let connect = [("content-type", "application/proto"), ("connect-protocol-version", "1"),
      ("x-tag", "t")]
    let inline = try #require(await raw.response(
      try await raw.request(path: Echo.inline.path, headers: connect, body: ByteBuffer(string: "q"))))
    #expect(inline.headers.count == 1)  // no trailers
    #expect(inline.headers[0][":status"] == "200")
    #expect(inline.headers[0]["content-type"] == "application/proto")
    #expect(inline.data == ByteBuffer(string: "inline:q"))
    let task = try #require(await raw.response(
      try await raw.request(path: Echo.get.path, headers: connect, body: ByteBuffer(string: "q"))))
    #expect(task.data == ByteBuffer(string: "q [t]"))  // the handler saw the metadata
    await raw.close()
    await test.stop()
  }

  @Test func connectUnaryErrorsAreHTTPStatusesWithJSON() async throws {
    let test = try await TestServer.start()
    let raw = try await RawHTTP2Client.connect(port: test.port)
    let connect = [("content-type", "application/proto")]
    let failed = try #require(await raw.response(
      try await raw.request(path: Echo.fail.path, headers: connect, body: ByteBuffer(string: "q"))))
    #expect(failed.headers[0][":status"] == "404")
    #expect(failed.headers[0]["content-type"] == "application/json")
    #expect(ConnectWire.error(httpStatus: 404, body: failed.data)
      == RPCError(code: .notFound, message: "no such thing: \"q\" — 100%"))
    let crashed = try #require(await raw.response(
      try await raw.request(path: Echo.crash.path, headers: connect, body: ByteBuffer())))
    #expect(crashed.headers[0][":status"] == "500")
    #expect(String(buffer: crashed.data) == #"{"code":"unknown","message":"the handler failed"}"#)
    let json = try #require(await raw.response(
      try await raw.request(
        path: Echo.get.path, headers: [("content-type", "application/json")], body: ByteBuffer(string: "{}"))))
    #expect(json.headers[0][":status"] == "415")
    let streaming = try #require(await raw.response(
      try await raw.request(path: Echo.count.path, headers: connect, body: ByteBuffer(string: "2"))))
    #expect(streaming.headers[0][":status"] == "415")
    await raw.close()
    await test.stop()
  }

  @Test func grpcWebStreamsEndWithATrailersFrame() async throws {
    let test = try await TestServer.start()
    let raw = try await RawHTTP2Client.connect(port: test.port)
    let response = try #require(await raw.response(
      try await raw.request(
        path: Echo.count.path, headers: [("content-type", "application/grpc-web+proto")],
        body: RawHTTP2Client.message("2"))))
    #expect(response.headers.count == 1)
    #expect(response.headers[0]["content-type"] == "application/grpc-web+proto")
    let parts = try envelopes(response.data, endFlag: GRPCWebWire.trailersFlag)
    #expect(parts.map { String(buffer: $0.payload) } == ["item 0", "item 1", "grpc-status: 0\r\n"])
    #expect(parts.map(\.isEndOfStream) == [false, false, true])
    await raw.close()
    await test.stop()
  }

  @Test func connectStreamingBidiEndsWithEndOfStream() async throws {
    let test = try await TestServer.start()
    let raw = try await RawHTTP2Client.connect(port: test.port)
    var body = RawHTTP2Client.message("a")
    body.writeImmutableBuffer(RawHTTP2Client.message("b"))
    let response = try #require(await raw.response(
      try await raw.request(
        path: Echo.chat.path, headers: [("content-type", "application/connect+proto")], body: body)))
    #expect(response.headers[0]["content-type"] == "application/connect+proto")
    let parts = try envelopes(response.data, endFlag: ConnectWire.endStreamFlag)
    #expect(parts.map { String(buffer: $0.payload) } == ["echo: a", "echo: b", "done", "{}"])
    #expect(parts.last?.isEndOfStream == true)
    let failed = try #require(await raw.response(
      try await raw.request(
        path: Echo.fail.path, headers: [("content-type", "application/connect+proto")],
        body: RawHTTP2Client.message("z"))))
    #expect(failed.headers[0][":status"] == "200")
    let end = try #require(try envelopes(failed.data, endFlag: ConnectWire.endStreamFlag).last)
    #expect(ConnectWire.status(fromEndStream: end.payload)?.code == .notFound)
    await raw.close()
    await test.stop()
  }
}
