import NIOCore
import RPCCore
@testable import RPCHTTP2
import ServiceLifecycle
import Testing
import RPCTestSupport

/// Requests only a hand-made HTTP/2 client sends, checked frame by frame.
@Suite struct ProtocolTests {
  @Test func unaryWithTwoRequestMessagesFails() async throws {
    let test = try await TestServer.start()
    let raw = try await RawHTTP2Client.connect(port: test.port)
    var body = RawHTTP2Client.message("one")
    body.writeImmutableBuffer(RawHTTP2Client.message("two"))
    let stream = try await raw.request(path: Echo.get.path, body: body)
    let response = try #require(await raw.response(stream))
    #expect(response.headers.first?[":status"] == "200")
    #expect(response.headers.last?["grpc-status"] == "13")
    #expect(response.data.readableBytes == 0)
    await raw.close()
    await test.stop()
  }

  @Test func compressedFlagWithoutEncodingIsInternal() async throws {
    let test = try await TestServer.start()
    let raw = try await RawHTTP2Client.connect(port: test.port)
    let stream = try await raw.request(
      path: Echo.inline.path, body: RawHTTP2Client.message("x", compressedFlag: true))
    let response = try #require(await raw.response(stream))
    #expect(response.headers.last?["grpc-status"] == "13")
    await raw.close()
    await test.stop()
  }

  @Test func trailersOnlyForErrorsAndFullResponsesForSuccess() async throws {
    let test = try await TestServer.start()
    let raw = try await RawHTTP2Client.connect(port: test.port)
    let failing = try await raw.request(path: Echo.fail.path, body: RawHTTP2Client.message("q"))
    let failed = try #require(await raw.response(failing))
    #expect(failed.headers.count == 1)  // one HEADERS frame with END_STREAM
    #expect(failed.headers[0]["grpc-status"] == "5")
    #expect(failed.headers[0]["grpc-message"] == "no such thing: \"q\" %E2%80%94 100%25")
    #expect(failed.headers[0]["content-type"] == "application/grpc")
    let ok = try await raw.request(path: Echo.inline.path, body: RawHTTP2Client.message("q"))
    let succeeded = try #require(await raw.response(ok))
    #expect(succeeded.headers.count == 2)
    #expect(succeeded.headers[0][":status"] == "200")
    #expect(succeeded.headers[1]["grpc-status"] == "0")
    var expected = ByteBuffer()
    try GRPCMessageFramer().frame(ByteBuffer(string: "inline:q"), into: &expected)
    #expect(succeeded.data == expected)
    let missing = try await raw.request(path: "/no.Such/Method", body: RawHTTP2Client.message("q"))
    #expect(try #require(await raw.response(missing)).headers.first?["grpc-status"] == "12")
    let gzip = try await raw.request(
      path: Echo.get.path,
      headers: [("content-type", "application/grpc"), ("grpc-accept-encoding", "gzip"),
        ("x-tag", String(repeating: "z", count: 400))],
      body: RawHTTP2Client.message("q"))
    let compressed = try #require(await raw.response(gzip))
    #expect(compressed.headers[0]["grpc-encoding"] == "gzip")
    #expect(compressed.data.getInteger(at: 0, as: UInt8.self) == 1)
    await raw.close()
    await test.stop()
  }

  @Test func gracefulShutdownSendsGoAway() async throws {
    let probe = Probe()
    let server = RPCServer(
      configuration: ServerConfiguration(
        host: "127.0.0.1", port: 0, eventLoopThreads: 1, shutdownGracePeriod: .seconds(120)),
      registry: Echo.registry(probe: probe), logger: TestServer.logger)
    let group = ServiceGroup(services: [server], logger: TestServer.logger)
    let running = Task { try await group.run() }
    let raw = try await RawHTTP2Client.connect(port: try await server.listeningAddress.port)
    let stream = try await raw.request(path: Echo.hold.path, body: RawHTTP2Client.message("g"))
    #expect(await probe.wait(for: "holding:g"))
    await group.triggerGracefulShutdown()
    // GOAWAY names the call in flight as the last stream, and that call still finishes.
    #expect(await eventually { !raw.goAways.isEmpty })
    #expect(raw.goAways == [stream])
    probe.record("release")
    let response = try #require(await raw.response(stream))
    #expect(response.headers.last?["grpc-status"] == "0")
    try await running.value
    await raw.close()
  }
}
