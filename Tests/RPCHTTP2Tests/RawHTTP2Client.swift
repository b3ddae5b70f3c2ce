import NIOCore
import NIOPosix
import RPCCore
@testable import RPCHTTP2
import Synchronization
import RPCTestSupport

/// A bare HTTP/2 client for tests: an nghttp2 client session on a NIO channel, recording
/// what the server sends, for requests `RPCClient` would never make.
final class RawHTTP2Client: Sendable {
  /// What arrived for one stream.
  struct Response: Sendable {
    var headers: [[String: String]] = []
    var data = ByteBuffer()
    var closed = false
    var errorCode: UInt32 = 0
  }

  let channel: any Channel
  private let handler: NIOLoopBound<Handler>
  private let log: Log

  final class Log: Sendable {
    let responses = Mutex<[Int32: Response]>([:])
    let goAways = Mutex<[Int32]>([])
  }

  static func connect(port: Int) async throws -> RawHTTP2Client {
    let log = Log()
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHandler(Handler(log: log))
        }
      }
      .connect(host: "127.0.0.1", port: port).get()
    let handler = try await channel.eventLoop.submit {
      NIOLoopBound(
        try channel.pipeline.syncOperations.handler(type: Handler.self), eventLoop: channel.eventLoop)
    }.get()
    return RawHTTP2Client(channel: channel, handler: handler, log: log)
  }

  private init(channel: any Channel, handler: NIOLoopBound<Handler>, log: Log) {
    self.channel = channel
    self.handler = handler
    self.log = log
  }

  /// Sends a request with the given extra headers and raw body; returns the stream id.
  func request(path: String, headers: [(String, String)] = [], body: ByteBuffer) async throws
    -> Int32
  {
    let fields =
      [(":method", "POST"), (":scheme", "http"), (":path", path), (":authority", "localhost")]
      + (headers.isEmpty ? [("content-type", "application/grpc"), ("te", "trailers")] : headers)
    let handler = self.handler
    return try await channel.eventLoop.submit {
      handler.value.send(fields, body: body)
    }.get()
  }

  /// Waits (up to `timeout`) until the stream closed, then returns what arrived.
  func response(_ stream: Int32, timeout: Duration = .seconds(30)) async -> Response? {
    let closed = await eventually(timeout: timeout) {
      log.responses.withLock { $0[stream]?.closed == true }
    }
    return closed ? log.responses.withLock { $0[stream] } : nil
  }

  var goAways: [Int32] { log.goAways.withLock { $0 } }

  /// Cancels a stream (RST_STREAM CANCEL).
  func reset(_ stream: Int32) async throws {
    let handler = self.handler
    try await channel.eventLoop.submit {
      handler.value.session.reset(stream: stream, cancel: true)
      handler.value.flush()
    }.get()
  }

  func close() async { try? await channel.close() }

  /// Frames one message.
  static func message(_ text: String, compressedFlag: Bool = false) -> ByteBuffer {
    var buffer = ByteBuffer()
    buffer.writeInteger(UInt8(compressedFlag ? 1 : 0))
    buffer.writeInteger(UInt32(text.utf8.count))
    buffer.writeString(text)
    return buffer
  }

  final class Handler: ChannelInboundHandler, NGHTTP2SessionDelegate {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let session = NGHTTP2Session(server: false, settings: NGHTTP2Settings())
    let log: Log
    var context: ChannelHandlerContext?
    var fields: [String: String] = [:]

    init(log: Log) {
      self.log = log
      session.delegate = self
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func channelActive(context: ChannelHandlerContext) {
      flush()
      context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
      try? session.receive(unwrapInboundIn(data))
      flush()
    }

    func send(_ headers: [(String, String)], body: ByteBuffer) -> Int32 {
      let stream = session.submitRequest(headers: NGHTTP2Session.HeaderBlock(headers))!
      session.enqueue(body, stream: stream)
      session.finish(stream: stream, trailers: nil)
      log.responses.withLock { $0[stream] = Response() }
      flush()
      return stream
    }

    func flush() {
      guard let context else { return }
      while let chunk = try? session.pullOutput(maxBytes: 1 << 20) {
        context.write(wrapOutboundOut(chunk), promise: nil)
      }
      context.flush()
    }

    func session(beginHeaders stream: Int32) { fields = [:] }
    func session(header name: HeaderBytes, value: HeaderBytes, stream: Int32) {
      fields[name.string] = value.string
    }
    func session(endHeaders stream: Int32, endStream: Bool) {
      let block = fields
      log.responses.withLock { $0[stream]?.headers.append(block) }
    }
    func session(data: ByteBuffer, stream: Int32) {
      log.responses.withLock { $0[stream]?.data.writeImmutableBuffer(data) }
    }
    func session(endOfStream stream: Int32) {}
    func session(closed stream: Int32, errorCode: UInt32) {
      log.responses.withLock {
        $0[stream]?.closed = true
        $0[stream]?.errorCode = errorCode
      }
    }
    func session(goAway lastStreamID: Int32, errorCode: UInt32) {
      log.goAways.withLock { $0.append(lastStreamID) }
    }
    func session(drained stream: Int32) {}
  }
}
