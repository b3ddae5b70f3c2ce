import NIOCore
import NIOPosix
import RPCCore
@testable import RPCHTTP2
import Testing
import RPCTestSupport

/// How `RPCClient` classifies a server it cannot use, with real sockets: a peer that answers
/// the HTTP/2 preface with a TLS alert (what a TLS server does to a cleartext client), one
/// that closes at once, one that answers HTTP/1.1, one that answers and then goes away. (The
/// CLI's interop tests call a real TLS server in cleartext.)
@Suite struct ClientConnectionFailureTests {
  /// A TCP server that, once the client's first bytes arrive, writes `answer` and closes
  /// (or only closes when `answer` is empty).
  final class ScriptedPeer: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let answer: [UInt8]
    init(_ answer: [UInt8]) { self.answer = answer }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
      guard !answer.isEmpty else { return context.close(promise: nil) }
      context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: answer))).whenComplete { _ in
        context.close(promise: nil)
      }
    }
  }

  static func failure(of answer: [UInt8]) async throws -> RPCError? {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(ScriptedPeer(answer)) }
      }
      .bind(host: "127.0.0.1", port: 0).get()
    let client = RPCClient(
      configuration: ClientConfiguration(host: "127.0.0.1", port: channel.localAddress!.port!),
      logger: TestServer.logger)
    let error = await rpcError {
      _ = try await client.unary(Echo.get, request: "x", serializer: UTF8Coder(), deserializer: UTF8Coder())
    }
    await client.close()
    try await channel.close()
    return error
  }

  @Test func aTLSAlertAnsweringCleartextIsServerSpeaksTLS() async throws {
    let error = try await Self.failure(of: [0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46])
    #expect(error.flatMap(ClientConnectionFailure.init) == .serverSpeaksTLS)
    #expect(error?.code == .unavailable)
  }

  @Test func aPeerThatClosesAtOnceIsClosedBeforeAnswer() async throws {
    let error = try await Self.failure(of: [])
    #expect(error.flatMap(ClientConnectionFailure.init) == .closedBeforeAnswer)
  }

  @Test func anHTTP1AnswerIsNotHTTP2() async throws {
    let error = try await Self.failure(of: Array("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n".utf8))
    #expect(error.flatMap(ClientConnectionFailure.init) == .notHTTP2)
  }

  @Test func aPeerThatClosesAfterAnsweringIsLost() async throws {
    let error = try await Self.failure(of: [0, 0, 0, 4, 0, 0, 0, 0, 0])  // an empty SETTINGS frame
    #expect(error.flatMap(ClientConnectionFailure.init) == .lost)
  }
}
