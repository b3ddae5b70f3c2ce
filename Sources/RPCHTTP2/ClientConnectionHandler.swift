internal import Logging
internal import NIOCore
internal import RPCCore

/// One client connection: an nghttp2 client session inside a channel handler, multiplexing
/// calls as streams. Output is pulled from nghttp2 only while the channel is writable.
final class ClientConnectionHandler: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer
  typealias HeaderBlock = NGHTTP2Session.HeaderBlock

  let session: NGHTTP2Session
  let target: String
  let maxMessageSize: Int
  let maxBufferedOutputPerStream: Int
  let logger: Logger
  /// Called once when the connection stops taking new calls (GOAWAY or closed).
  let onRetire: @Sendable () -> Void
  var context: ChannelHandlerContext?
  var streams: [Int32: ClientStream] = [:]
  /// The response header block being collected (header blocks never interleave).
  var responseFields = Metadata()
  var responseStatus = 0
  private(set) var retired = false
  private var reading = false
  private var flushScheduled = false

  init(
    target: String, maxMessageSize: Int, maxBufferedOutputPerStream: Int, logger: Logger,
    onRetire: @escaping @Sendable () -> Void
  ) {
    self.target = target
    self.maxMessageSize = maxMessageSize
    self.maxBufferedOutputPerStream = maxBufferedOutputPerStream
    self.logger = logger
    self.onRetire = onRetire
    self.session = NGHTTP2Session(
      server: false, settings: NGHTTP2Settings(), lowWaterMark: maxBufferedOutputPerStream)
    session.delegate = self
  }

  func handlerAdded(context: ChannelHandlerContext) {
    self.context = context
    if context.channel.isActive { flushOutput() }
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    self.context = nil
  }

  func channelActive(context: ChannelHandlerContext) {
    flushOutput()
    context.fireChannelActive()
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    reading = true
    do {
      try session.receive(unwrapInboundIn(data))
    } catch {
      reading = false
      fail(connection: "protocol error from \(target): \(error)")
    }
  }

  func channelReadComplete(context: ChannelHandlerContext) {
    reading = false
    flushOutput()
    context.fireChannelReadComplete()
  }

  func channelWritabilityChanged(context: ChannelHandlerContext) {
    if context.channel.isWritable { flushOutput() }
    context.fireChannelWritabilityChanged()
  }

  func channelInactive(context: ChannelHandlerContext) {
    failStreams("connection to \(target) closed")
    context.fireChannelInactive()
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    fail(connection: "connection to \(target) failed: \(error)")
  }

  private func fail(connection reason: String) {
    failStreams(reason)
    context?.close(promise: nil)
  }

  /// Retires the connection and ends every open call with `UNAVAILABLE`.
  private func failStreams(_ reason: String) {
    retire()
    let open = streams
    streams = [:]
    let error = RPCError(code: .unavailable, message: reason)
    for stream in open.values { stream.complete(error) }
  }

  /// Stops taking new calls; the client opens a new connection for the next one.
  func retire() {
    guard !retired else { return }
    retired = true
    onRetire()
  }

  /// Closes the connection once its calls are done (used by `RPCClient.close`).
  func shutdown() {
    retire()
    session.goAway(lastStreamID: 0)
    flushOutput()
    closeIfDrained()
  }

  func scheduleFlush() {
    guard !reading, !flushScheduled, let context else { return }
    flushScheduled = true
    let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
    context.eventLoop.execute {
      loopBound.value.flushScheduled = false
      loopBound.value.flushOutput()
    }
  }

  func flushOutput() {
    guard let context else { return }
    var wrote = false
    do {
      while context.channel.isWritable, let chunk = try session.pullOutput(maxBytes: 64 << 10) {
        context.write(wrapOutboundOut(chunk), promise: nil)
        wrote = true
      }
    } catch {
      return fail(connection: "HTTP/2 session with \(target) failed: \(error)")
    }
    if wrote { context.flush() }
    if !session.isAlive { fail(connection: "connection to \(target) ended") }
  }
}
