import NIOCore
import NIOPosix
import Testing
import RPCTestSupport

/// Bytes that are not HTTP at all get NIOHTTP1's 400, then a close that does not reset the
/// connection, however much of them the server had read when it answered.
@Suite struct BadRequestCloseTests {
  /// A TLS ClientHello's shape: a handshake record of `length` bytes, far longer than a
  /// connection's first read (512 bytes).
  static func clientHello(length: Int) -> ByteBuffer {
    var bytes = ByteBuffer(bytes: [0x16, 0x03, 0x01, UInt8(length >> 8), UInt8(length & 0xFF)])
    bytes.writeBytes((0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
    return bytes
  }

  /// Connects, sends `bytes` in one write, then reads until the server closes: the bytes
  /// read, and the error that ended the reading (nil: an orderly end of the stream).
  static func exchange(port: Int, _ bytes: ByteBuffer, thenSend more: ByteBuffer? = nil) async throws
    -> (reply: String, ended: (any Error)?)
  {
    let raw = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .connect(host: "127.0.0.1", port: port) { channel in
        channel.eventLoop.makeCompletedFuture {
          try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
            wrappingChannelSynchronously: channel,
            configuration: .init(isOutboundHalfClosureEnabled: true))
        }
      }
    return try await raw.executeThenClose { inbound, outbound in
      try await outbound.write(bytes)
      var received = ByteBuffer()
      do {
        for try await var part in inbound {
          received.writeBuffer(&part)
          if let more { try? await outbound.write(more) }
        }
        return (String(buffer: received), nil)
      } catch {
        return (String(buffer: received), error)
      }
    }
  }

  @Test func aClientHelloAtTheCleartextPortGetsTheWhole400AndAnOrderlyClose() async throws {
    let test = try await TestServer.start()
    for length in [600, 1_800, 16_000] {
      let (reply, ended) = try await Self.exchange(port: test.port, Self.clientHello(length: length))
      #expect(reply.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), "\(length) bytes: \(reply.debugDescription)")
      #expect(ended == nil, "\(length) bytes: the connection ended by \(String(describing: ended))")
    }
    await test.stop()
  }

  @Test func aClientThatGoesOnSendingIsClosedAfterTheLinger() async throws {
    let test = try await TestServer.start()
    let start = ContinuousClock.now
    let raw = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .channelOption(.allowRemoteHalfClosure, value: true)  // go on writing after the server's FIN
      .connect(host: "127.0.0.1", port: test.port) { channel in
        channel.eventLoop.makeCompletedFuture {
          try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
        }
      }
    let closed = try await raw.executeThenClose { _, outbound in
      try await outbound.write(Self.clientHello(length: 1_000))
      let chunk = ByteBuffer(repeating: 0x42, count: 1_024)
      while ContinuousClock.now - start < .seconds(60) {
        do { try await outbound.write(chunk) } catch { return true }
        try await Task.sleep(for: .milliseconds(20))  // pacing, about 50 KiB/s
      }
      return false
    }
    let elapsed = ContinuousClock.now - start
    // The server drains for 2 s (bounded), then closes: writes fail after that, not before.
    #expect(closed, "the server still read after 60 s")
    #expect(elapsed >= .seconds(1.5), "closed after \(elapsed): no lingering")
    await test.stop()
  }
}
