import NIOCore
import NIOPosix
import RPCCore
@testable import RPCHTTP2
import Testing

@Suite struct BackpressureTests {
  /// A client that sends a request and then never reads: the server's output for it must stop
  /// growing (flow-control windows, the per-stream queue and the socket buffers fill up, then
  /// the streaming handler's `write` suspends), and other clients keep being served.
  /// With small windows flow control stops the server; with huge ones the socket fills, the
  /// channel turns unwritable and the server stops pulling frames from nghttp2.
  @Test(arguments: [(UInt32(65_535), Int32(65_535)), (UInt32(16 << 20), Int32(256 << 20))])
  func stalledReaderBoundsServerOutput(streamWindow: UInt32, connectionWindow: Int32) async throws {
    let test = try await TestServer.start()
    let session = NGHTTP2Session(
      server: false,
      settings: NGHTTP2Settings(
        initialWindowSize: streamWindow, connectionWindowSize: connectionWindow))
    let headers = NGHTTP2Session.HeaderBlock([
      (":method", "POST"), (":scheme", "http"), (":path", Echo.flood.path),
      (":authority", "localhost"), ("content-type", "application/grpc"), ("te", "trailers"),
    ])
    let stream = try #require(session.submitRequest(headers: headers))
    var request = ByteBuffer()
    try GRPCMessageFramer().frame(ByteBuffer(string: "go"), into: &request)
    session.enqueue(request, stream: stream)
    session.finish(stream: stream, trailers: nil)
    let bytes = try #require(try session.pullOutput(maxBytes: 1 << 20))

    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .channelOption(.autoRead, value: false)
      .channelOption(.socketOption(.so_rcvbuf), value: 64 << 10)
      .connect(host: "127.0.0.1", port: test.port).get()
    try await channel.writeAndFlush(bytes)

    #expect(await waitUntil { test.probe.counted > 0 })
    try await Task.sleep(for: .milliseconds(700))
    let settled = test.probe.counted
    try await Task.sleep(for: .milliseconds(500))
    #expect(test.probe.counted == settled)  // no longer growing: the writer is suspended
    #expect(settled * (16 << 10) < 32 << 20)  // and what went out is bounded (windows + buffers)
    #expect(try await test.unary("others still served") == "others still served")
    try await channel.close()
    await test.stop()
  }

  /// A client that stops reading a response stream stops the server too (the stream window
  /// is returned only as responses are taken).
  @Test func slowResponseReaderStopsTheServer() async throws {
    let test = try await TestServer.start()
    let stalled = Task {
      try await test.client.serverStreaming(
        Echo.flood, request: "go", serializer: UTF8Coder(), deserializer: BytesCoder()
      ) { responses in
        for try await _ in responses { try await Task.sleep(for: .seconds(30)) }
      }
    }
    #expect(await waitUntil { test.probe.counted > 0 })
    try await Task.sleep(for: .milliseconds(700))
    let settled = test.probe.counted
    try await Task.sleep(for: .milliseconds(500))
    #expect(test.probe.counted == settled)
    #expect(settled * (16 << 10) < 8 << 20)
    stalled.cancel()
    #expect(await test.probe.wait(for: "flood ended"))
    await test.stop()
  }

  /// A bidi handler that stops reading its requests stops the client's writer.
  @Test func slowRequestReaderStopsTheClientWriter() async throws {
    let test = try await TestServer.start()
    let written = Probe()
    let call = Task {
      try await test.client.bidiStreaming(
        Echo.stall, serializer: BytesCoder(), deserializer: UTF8Coder(),
        requests: { writer in
          let chunk = [UInt8](repeating: 1, count: 16 << 10)
          while true {
            try await writer.write(chunk)
            written.count()
          }
        },
        handler: { responses in for try await _ in responses {} })
    }
    #expect(await test.probe.wait(for: "stall: first request"))
    try await Task.sleep(for: .milliseconds(700))
    let settled = written.counted
    try await Task.sleep(for: .milliseconds(500))
    #expect(written.counted == settled)
    #expect(settled * (16 << 10) < 8 << 20)
    call.cancel()
    _ = await call.result
    await test.stop()
  }

  private func waitUntil(_ condition: () -> Bool) async -> Bool {
    for _ in 0..<500 {
      if condition() { return true }
      try? await Task.sleep(for: .milliseconds(10))
    }
    return false
  }
}
