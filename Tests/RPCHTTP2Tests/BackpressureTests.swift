import Foundation
import NIOCore
import NIOPosix
import RPCCore
@testable import RPCHTTP2
import Testing
import RPCTestSupport

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

    // The writer stops (a quiet spell, however long the machine takes to get there), and what
    // it wrote by then fits in what the windows and buffers between it and the client hold.
    // Unbounded output never goes quiet, or overshoots the bound.
    let limits = ServerConfiguration.Limits()
    let window = min(Int(streamWindow), Int(connectionWindow))
    let buffers =
      2 * (64 << 10)  // the client's SO_RCVBUF (Linux doubles what is asked)
      + Self.maxSocketSendBuffer  // the server's send buffer, autotuned up to tcp_wmem's max
      + limits.maxBufferedOutputPerConnection + (64 << 10)  // the channel's high-water mark + one pull
    let bound = Self.chunks(
      inFlight: min(window, buffers), queued: limits.maxBufferedOutputPerStream)
    #expect(await eventually { test.probe.counted > 0 })
    let settled = try #require(await test.probe.settledCount(), "server output never stopped")
    #expect(settled <= bound, "wrote \(settled) chunks, bound \(bound)")
    #expect(try await test.unary("others still served") == "others still served")
    #expect(test.probe.counted <= bound)  // and stays bounded
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
    // The client reads on, but takes its stream window back only up to its reader's backlog
    // high-water mark (1 MiB in `RPCClient.withCall`), so the server sends at most that
    // backlog plus one stream window, and queues at most its per-stream limit.
    let backlog = 1 << 20
    let bound = Self.chunks(
      inFlight: backlog + Int(NGHTTP2Settings().initialWindowSize),
      queued: ServerConfiguration.Limits().maxBufferedOutputPerStream)
    #expect(await eventually { test.probe.counted > 0 })
    let settled = try #require(await test.probe.settledCount(), "server output never stopped")
    #expect(settled <= bound, "wrote \(settled) chunks, bound \(bound)")
    try await Task.sleep(for: .milliseconds(500))
    #expect(test.probe.counted <= bound)
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
    // The server takes the stream window back only up to the handler's backlog high-water
    // mark (the configured stream window), so the client sends at most that plus one window,
    // and queues at most its per-stream limit.
    let window = ServerConfiguration.Limits().initialStreamWindow
    let bound = Self.chunks(
      inFlight: 2 * window, queued: ClientConfiguration(host: "", port: 0).maxBufferedOutputPerStream)
    let settled = try #require(await written.settledCount(), "client output never stopped")
    #expect(settled <= bound, "wrote \(settled) chunks, bound \(bound)")
    try await Task.sleep(for: .milliseconds(500))
    #expect(written.counted <= bound)
    call.cancel()
    _ = await call.result
    await test.stop()
  }

  /// How many 16 KiB chunks a writer can have had accepted when `inFlight` bytes may be sent
  /// but unread and `queued` bytes may wait in its stream's queue, plus slack: the message
  /// that crossed the queue's limit, one DATA frame received past a backlog mark, the message
  /// a reader took, and the frames' own headers.
  private static func chunks(inFlight: Int, queued: Int) -> Int {
    (inFlight + queued) / (16 << 10) + 4
  }

  /// The largest send buffer TCP autotuning may give the server's socket.
  private static var maxSocketSendBuffer: Int {
    let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/tcp_wmem", encoding: .utf8)) ?? ""
    return text.split(whereSeparator: \.isWhitespace).last.flatMap { Int($0) } ?? 8 << 20
  }
}
