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

  private func waitUntil(_ condition: () -> Bool) async -> Bool {
    for _ in 0..<500 {
      if condition() { return true }
      try? await Task.sleep(for: .milliseconds(10))
    }
    return false
  }
}
