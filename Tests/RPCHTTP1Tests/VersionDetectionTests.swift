import NIOCore
import NIOEmbedded
import NIOPosix
import NIOSSL
import NIOTLS
import RPCCore
@testable import RPCHTTP2
import Testing
import RPCTestSupport

/// The per-connection choice of HTTP version: the detector alone on an embedded channel,
/// then both versions on one real port, cleartext and TLS.
@Suite struct VersionDetectionTests {
  /// Runs a detector on an embedded channel; returns what it chose (nil: undecided) and
  /// the bytes the chosen handler received.
  final class Chosen: @unchecked Sendable {
    var version: HTTPVersionDetector.Version?
  }

  private func detector(tls: Bool = false) throws -> (EmbeddedChannel, Chosen) {
    let chosen = Chosen()
    let channel = EmbeddedChannel()
    let detector = HTTPVersionDetector(tls: tls, timeout: .seconds(10)) { version, _ in
      chosen.version = version
    }
    try channel.pipeline.syncOperations.addHandler(detector)
    try channel.connect(to: .init(ipAddress: "127.0.0.1", port: 1)).wait()
    return (channel, chosen)
  }

  @Test(arguments: 1..<24)
  func aPrefaceSplitAnywhereChoosesHTTP2WithEveryByteReplayed(split: Int) throws {
    let (channel, chosen) = try detector()
    let preface = HTTPVersionDetector.preface + [0, 0, 0, 4, 0, 0, 0, 0, 0]  // + SETTINGS
    try channel.writeInbound(ByteBuffer(bytes: preface[..<split]))
    #expect(chosen.version == nil)
    try channel.writeInbound(ByteBuffer(bytes: preface[split...]))
    #expect(chosen.version == .http2)
    var replayed = ByteBuffer()
    while var part = try channel.readInbound(as: ByteBuffer.self) { replayed.writeBuffer(&part) }
    #expect(Array(replayed.readableBytesView) == preface)
    #expect(throws: (any Error).self) { try channel.pipeline.syncOperations.handler(type: HTTPVersionDetector.self) }
    _ = try channel.finish()
  }

  @Test func anHTTP1RequestIsRecognizedAtItsSecondByte() throws {
    let (channel, chosen) = try detector()
    try channel.writeInbound(ByteBuffer(string: "P"))
    #expect(chosen.version == nil)  // `P` starts the preface too
    try channel.writeInbound(ByteBuffer(string: "O"))
    #expect(chosen.version == .http1)
    #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "P"))
    #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "O"))
    _ = try channel.finish()
  }

  @Test func aPrefaceThatGoesWrongLateIsHTTP1() throws {
    let (channel, chosen) = try detector()
    try channel.writeInbound(ByteBuffer(string: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r"))
    #expect(chosen.version == nil)
    try channel.writeInbound(ByteBuffer(string: "X"))
    #expect(chosen.version == .http1)
    _ = try channel.finish()
  }

  @Test(arguments: [
    ("h2", "GET", HTTPVersionDetector.Version.http2),
    ("http/1.1", "PRI", .http1),
    (nil, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", .http2),
    (nil, "POST", .http1),
  ] as [(String?, String, HTTPVersionDetector.Version)])
  func overTLSALPNDecidesAndWithoutItTheBytesDo(
    negotiated: String?, held: String, expected: HTTPVersionDetector.Version
  ) throws {
    let (channel, chosen) = try detector(tls: true)
    try channel.writeInbound(ByteBuffer(string: held))  // held until the handshake completes
    #expect(chosen.version == nil)
    channel.pipeline.fireUserInboundEventTriggered(
      TLSUserEvent.handshakeCompleted(negotiatedProtocol: negotiated))
    #expect(chosen.version == expected)
    #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: held))
    _ = try channel.finish()
  }

  @Test func aConnectionThatSendsNothingIsClosedByTheTimeout() async throws {
    var limits = ServerConfiguration.Limits()
    limits.firstRequestTimeout = .milliseconds(300)
    let test = try await TestServer.start(limits: limits)
    let start = ContinuousClock.now
    let raw = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .connect(host: "127.0.0.1", port: test.port) { channel in
        channel.eventLoop.makeCompletedFuture {
          try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
        }
      }
    try await raw.executeThenClose { inbound, outbound in
      // Undecided: `P` starts both. On a loaded machine the server's timer can fire before
      // this write runs; a channel already closed is the outcome under test either way.
      do {
        try await outbound.write(ByteBuffer(string: "P"))
      } catch ChannelError.ioOnClosedChannel {}
      for try await _ in inbound {}
    }
    let elapsed = ContinuousClock.now - start
    #expect(elapsed >= .milliseconds(250) && elapsed < .seconds(5))
    await test.stop()
  }

  @Test func cleartextServesGRPCAndHTTP1OnOnePort() async throws {
    let test = try await TestServer.start()
    let grpc = test.grpcClient()
    #expect(try await grpc.echo("over h2") == "over h2")
    let reply = try await HTTP1TestClient.call(port: test.port, .connect(Echo.get, "over http/1.1"))
    #expect(reply.status == 200)
    #expect(reply.text == "over http/1.1")
    #expect(try await grpc.echo("again") == "again")
    await grpc.close()
    await test.stop()
  }

  @Test func aPrefaceSplitAcrossPacketsIsServedAsHTTP2() async throws {
    let test = try await TestServer.start()
    let raw = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .channelOption(.socketOption(.tcp_nodelay), value: 1)
      .connect(host: "127.0.0.1", port: test.port) { channel in
        channel.eventLoop.makeCompletedFuture {
          try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
        }
      }
    let frameType = try await raw.executeThenClose { inbound, outbound in
      let preface = HTTPVersionDetector.preface
      for byte in preface { try await outbound.write(ByteBuffer(bytes: [byte])) }
      try await outbound.write(ByteBuffer(bytes: [0, 0, 0, 4, 0, 0, 0, 0, 0]))  // SETTINGS
      var received = ByteBuffer()
      for try await var part in inbound {
        received.writeBuffer(&part)
        if received.readableBytes >= 9 { break }
      }
      return received.getInteger(at: 3, as: UInt8.self)
    }
    #expect(frameType == 4)  // the server's SETTINGS: it speaks HTTP/2 on this connection
    await test.stop()
  }

  @Test func tlsALPNServesBothVersions() async throws {
    let files = try TLSFiles.make()
    defer { files.remove() }
    let test = try await TestServer.start(tls: files.server)
    let grpc = test.grpcClient(tls: .init(caCertificatePath: files.cert, serverHostname: "localhost"))
    #expect(try await grpc.echo("h2 over tls") == "h2 over tls")
    for alpn in [["http/1.1"], []] {
      var configuration = TLSConfiguration.makeClientConfiguration()
      configuration.trustRoots = .file(files.cert)
      configuration.applicationProtocols = alpn
      let context = try NIOSSLContext(configuration: configuration)
      let reply = try await HTTP1TestClient.call(
        port: test.port, tls: context, .connect(Echo.get, "http/1.1 over tls \(alpn)"))
      #expect(reply.status == 200)
      #expect(reply.text == "http/1.1 over tls \(alpn)")
    }
    #expect(try await grpc.echo("still h2") == "still h2")
    await grpc.close()
    await test.stop()
  }
}
