import NIOCore
import NIOPosix
@testable import RPCHTTP2
import RPCTestSupport
import Testing

/// A connection leaves the server's table of open connections (`ConnectionTable`, which its
/// shutdown drains and waits for) however it ends, with no close callback of its own: from
/// the version detector while it has shown no version, from the HTTP/1.1 close callback, from
/// the HTTP/2 handler.
@Suite struct ConnectionTableTests {
  private func connect(_ port: Int) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
    try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .connect(host: "127.0.0.1", port: port) { channel in
        channel.eventLoop.makeCompletedFuture {
          try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
        }
      }
  }

  @Test func connectionsLeaveTheTableHoweverTheyEnd() async throws {
    var limits = ServerConfiguration.Limits()
    limits.firstRequestTimeout = .milliseconds(500)
    let test = try await TestServer.start(limits: limits)
    // Two connections that show no version: one closed by its client after part of the
    // HTTP/2 preface, one closed by the server's first-request timeout.
    let partial = try await connect(test.port)
    let silent = try await connect(test.port)
    #expect(await eventually { test.server.connectionCount == 2 })
    try await partial.executeThenClose { _, outbound in
      try await outbound.write(ByteBuffer(string: "PRI * HT"))
    }
    #expect(await eventually { test.server.connectionCount == 1 })
    try await silent.executeThenClose { inbound, _ in
      for try await _ in inbound {}  // ends when the server closes it
    }
    #expect(await eventually { test.server.connectionCount == 0 })
    // HTTP/1.1: counted while open, gone once its client closes it.
    let http1 = try await connect(test.port)
    try await http1.executeThenClose { inbound, outbound in
      try await outbound.write(ByteBuffer(string: "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n"))
      var reply = inbound.makeAsyncIterator()
      let head = try await reply.next()
      #expect(head.map { String(buffer: $0).hasPrefix("HTTP/1.1 ") } == true)
      #expect(test.server.connectionCount == 1)
    }
    #expect(await eventually { test.server.connectionCount == 0 })
    // HTTP/2, closed by its client.
    #expect(try await test.unary("h2") == "h2")
    #expect(test.server.connectionCount == 1)
    await test.client.close()
    #expect(await eventually { test.server.connectionCount == 0 })
    await test.stop()
  }
}
