internal import NIOCore
internal import NIOTLS

/// Picks a new connection's HTTP version before any protocol handler sees a byte, then adds
/// that version's handlers behind itself, replays what it held back and leaves the pipeline
/// (nothing of it stays on the path of later requests).
///
/// Over TLS, ALPN decides: `h2` → HTTP/2, `http/1.1` → HTTP/1.1. Without ALPN (cleartext, or
/// a TLS client that offered none) the first bytes decide: the HTTP/2 client preface
/// (`PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`) → HTTP/2, anything else → HTTP/1.1, decided at the
/// first byte that leaves the preface (the second byte of `POST`), however the bytes are
/// split across reads. A connection that decides nothing within `timeout` is closed.
final class HTTPVersionDetector: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = ByteBuffer
  typealias InboundOut = ByteBuffer

  /// The HTTP version a connection speaks.
  enum Version: Sendable, Equatable {
    case http1
    case http2
  }

  /// The HTTP/2 client connection preface (RFC 9113, section 3.4).
  static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

  private let timeout: TimeAmount
  /// The server's open connections, left here when the connection closes before deciding.
  private let connections: ConnectionTable?
  private let configure: (Version, ChannelPipeline.SynchronousOperations) throws -> Void
  private var awaitingHandshake: Bool
  private var held: [ByteBuffer] = []
  private var matched = 0
  private var decided = false
  private var timer: Scheduled<Void>?

  /// - Parameters:
  ///   - tls: whether a TLS handler sits in front (then ALPN is awaited first).
  ///   - timeout: how long the connection may take to show its version.
  ///   - connections: the server's table, which the connection leaves if it closes with this
  ///     handler still in place (once decided, the chosen version's handlers take it out).
  ///   - configure: adds the handlers of the chosen version at the end of the pipeline.
  init(
    tls: Bool, timeout: TimeAmount, connections: ConnectionTable? = nil,
    configure: @escaping (Version, ChannelPipeline.SynchronousOperations) throws -> Void
  ) {
    self.awaitingHandshake = tls
    self.timeout = timeout
    self.connections = connections
    self.configure = configure
  }

  func handlerAdded(context: ChannelHandlerContext) {
    if context.channel.isActive { armTimer(context: context) }
  }

  func channelActive(context: ChannelHandlerContext) {
    armTimer(context: context)
    context.fireChannelActive()
  }

  func channelInactive(context: ChannelHandlerContext) {
    timer?.cancel()
    held = []
    context.fireChannelInactive()
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    switch event {
    case TLSUserEvent.handshakeCompleted(let negotiated) where awaitingHandshake:
      awaitingHandshake = false
      context.fireUserInboundEventTriggered(event)
      switch negotiated {
      case "h2": decide(.http2, context: context)
      case "http/1.1": decide(.http1, context: context)
      default: sniff(context: context)
      }
    case is ChannelShouldQuiesceEvent:
      context.close(promise: nil)  // no request has started: nothing to finish
    default:
      context.fireUserInboundEventTriggered(event)
    }
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    guard !decided else { return context.fireChannelRead(data) }
    held.append(unwrapInboundIn(data))
    if !awaitingHandshake { sniff(context: context) }
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    timer?.cancel()
    // Removed by the pipeline's teardown (the connection closed), not by `decide`.
    if !context.channel.isActive { connections?.remove(context.channel) }
  }

  private func armTimer(context: ChannelHandlerContext) {
    guard timer == nil, !decided else { return }
    let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
    timer = context.eventLoop.scheduleTask(in: timeout) {
      loopBound.value.close(promise: nil)
    }
  }

  /// Compares the held bytes not yet looked at with the preface.
  private func sniff(context: ChannelHandlerContext) {
    var offset = 0
    for buffer in held {
      for byte in buffer.readableBytesView {
        if offset >= matched {
          guard byte == Self.preface[matched] else { return decide(.http1, context: context) }
          matched += 1
          if matched == Self.preface.count { return decide(.http2, context: context) }
        }
        offset += 1
      }
    }
  }

  private func decide(_ version: Version, context: ChannelHandlerContext) {
    guard !decided else { return }
    decided = true
    timer?.cancel()
    do {
      try configure(version, context.pipeline.syncOperations)
    } catch {
      context.fireErrorCaught(error)
      context.close(promise: nil)
      return
    }
    let replay = held
    held = []
    for buffer in replay { context.fireChannelRead(wrapInboundOut(buffer)) }
    if !replay.isEmpty { context.fireChannelReadComplete() }
    context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
  }
}
