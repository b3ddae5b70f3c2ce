import NIOCore
import NIOHTTP1
import RPCCore
import RPCHTTP2
import ServiceLifecycle
import Testing
import RPCTestSupport

/// gRPC-Web and Connect streaming over HTTP/1.1: enveloped messages in a chunked body, the
/// status at its end (trailers frame / end-of-stream envelope), cancellation, shutdown.
@Suite struct StreamingTests {
  static let grpcWeb = "application/grpc-web+proto"
  static let connectStream = "application/connect+proto"

  @Test func gRPCWebUnaryCarriesTheMessageAndATrailersFrame() async throws {
    let test = try await TestServer.start()
    let replies = try await HTTP1TestClient.exchange(port: test.port, [
      .enveloped(Echo.get, "web", contentType: Self.grpcWeb),
      .enveloped(Echo.inline, "web", contentType: "application/grpc-web"),
      .enveloped(Echo.fail, "gone", contentType: Self.grpcWeb),
      .enveloped(.init(service: "test.Echo", method: "Nope"), "x", contentType: Self.grpcWeb),
    ])
    #expect(replies.map(\.status) == [200, 200, 200, 200])
    #expect(replies[0].headers.first(name: "content-type") == Self.grpcWeb)
    #expect(replies[0].frames.map(\.flag) == [0, 0x80])
    #expect(replies[0].frames.map(\.text) == ["web", "grpc-status: 0\r\n"])
    #expect(replies[1].frames.first?.text == "inline:web")
    #expect(replies[2].frames.map(\.flag) == [0x80])
    #expect((replies[2].frames.first?.text ?? "").hasPrefix("grpc-status: 5\r\ngrpc-message: no such thing"))
    #expect((replies[3].frames.first?.text ?? "").hasPrefix("grpc-status: 12\r\n"))
    await test.stop()
  }

  @Test func gRPCWebServerStreamingEndsWithTheStatus() async throws {
    let test = try await TestServer.start()
    let reply = try await HTTP1TestClient.call(
      port: test.port, .enveloped(Echo.count, "3", contentType: Self.grpcWeb))
    #expect(reply.status == 200)
    #expect(reply.headers.first(name: "transfer-encoding") == "chunked")
    #expect(reply.frames.map(\.text) == ["item 0", "item 1", "item 2", "grpc-status: 0\r\n"])
    #expect(reply.frames.map(\.flag) == [0, 0, 0, 0x80])
    await test.stop()
  }

  @Test func connectStreamingEndsWithTheEndOfStreamEnvelope() async throws {
    let test = try await TestServer.start()
    let replies = try await HTTP1TestClient.exchange(port: test.port, [
      .enveloped(Echo.count, "2", contentType: Self.connectStream),
      .enveloped(Echo.count, "0", contentType: Self.connectStream),
      .enveloped(Echo.count, "many", contentType: Self.connectStream),
      .enveloped(Echo.get, "unary", contentType: Self.connectStream),
    ])
    #expect(replies.map(\.status) == [200, 200, 200, 200])
    #expect(replies[0].headers.first(name: "content-type") == Self.connectStream)
    #expect(replies[0].frames.map(\.flag) == [0, 0, 2])
    #expect(replies[0].frames.map(\.text) == ["item 0", "item 1", "{}"])
    #expect(replies[1].frames.map(\.text) == ["{}"])
    #expect(replies[2].frames.map(\.flag) == [2])
    #expect(
      replies[2].frames.first?.text
        == #"{"error":{"code":"invalid_argument","message":"not a number"}}"#)
    #expect(replies[3].frames.map(\.text) == ["unary", "{}"])  // a unary method, streamed
    await test.stop()
  }

  @Test func closingTheConnectionCancelsAStream() async throws {
    let test = try await TestServer.start()
    try await HTTP1TestClient.with(port: test.port) { connection in
      try await connection.send(.enveloped(Echo.watch, "w", contentType: Self.connectStream))
      let head = try #require(try await connection.head())
      #expect(head.status == 200)
      let first = try #require(try await connection.nextBody())
      #expect(String(buffer: first).hasSuffix("first w"))
      #expect(await test.probe.wait(for: "watching:w"))
    }
    #expect(await test.probe.wait(for: "watch cancelled:w"))
    await test.stop()
  }

  @Test func gracefulShutdownFinishesTheRunningCallThenCloses() async throws {
    let probe = Probe()
    let server = RPCServer(
      configuration: ServerConfiguration(host: "127.0.0.1", port: 0, eventLoopThreads: 1),
      registry: Echo.registry(probe: probe), logger: TestServer.logger)
    let group = ServiceGroup(services: [server], logger: TestServer.logger)
    let running = Task { try await group.run() }
    let port = try await server.listeningAddress.port
    // An idle kept-alive connection too: shutdown closes it at once.
    try await HTTP1TestClient.with(port: port) { idle in
      try await idle.send(.connect(Echo.get, "warm"))
      #expect(try await idle.reply()?.text == "warm")
      try await HTTP1TestClient.with(port: port) { busy in
        try await busy.send(.connect(Echo.hold, "last"))
        #expect(await probe.wait(for: "holding:last"))
        await group.triggerGracefulShutdown()
        #expect(await idle.isClosedByServer())
        probe.record("release")
        let reply = try #require(try await busy.reply())
        #expect(reply.text == "released last")
        #expect(reply.headers.first(name: "connection") == "close")
        #expect(await busy.isClosedByServer())
      }
    }
    try await running.value
  }
}
