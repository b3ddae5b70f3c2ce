internal import Logging
internal import NIOCore
internal import NIOSSL
internal import RPCCore

/// One client connection: an nghttp2 client session inside a channel handler, multiplexing
/// calls as streams. Output is pulled from nghttp2 only while the channel is writable.
final class ClientConnectionHandler: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer
  typealias HeaderBlock = NGHTTP2Session.HeaderBlock

  let session: NGHTTP2Session
  let target: String
  /// No TLS below this handler: its first bytes from the server are checked for TLS.
  let cleartext: Bool
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
  /// Bytes read from the server so far (after TLS), to tell a server that never answered.
  private var receivedBytes = 0
  /// Why the connection failed, once it has: the error of calls that find it closed.
  private(set) var failure: RPCError?

  init(
    target: String, cleartext: Bool = false, maxMessageSize: Int, maxBufferedOutputPerStream: Int,
    logger: Logger, onRetire: @escaping @Sendable () -> Void
  ) {
    self.target = target
    self.cleartext = cleartext
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
    let bytes = unwrapInboundIn(data)
    let first = receivedBytes == 0
    receivedBytes += bytes.readableBytes
    if first, let (kind, reason) = Self.notHTTP2(bytes, cleartext: cleartext, target: target) {
      return fail(kind, reason)
    }
    reading = true
    do {
      try session.receive(bytes)
    } catch {
      reading = false
      if first { return fail(.notHTTP2, "\(target) does not speak HTTP/2 (\(error))") }
      fail(.lost, "protocol error from \(target): \(error)")
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
    failStreams(unanswered ? .closedBeforeAnswer : .lost, "connection to \(target) closed")
    context.fireChannelInactive()
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    let kind: ClientConnectionFailure = error is NIOSSLError ? .tls : unanswered ? .closedBeforeAnswer : .lost
    fail(kind, "connection to \(target) failed: \(error)")
  }

  /// Nothing was read from the server yet.
  private var unanswered: Bool { receivedBytes == 0 }

  private func fail(_ kind: ClientConnectionFailure, _ reason: String) {
    failStreams(kind, reason)
    context?.close(promise: nil)
  }

  /// Retires the connection and ends every open call with `UNAVAILABLE`.
  private func failStreams(_ kind: ClientConnectionFailure, _ reason: String) {
    retire()
    let open = streams
    streams = [:]
    let error = kind.error(reason)
    if failure == nil { failure = error }
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
      return fail(unanswered ? .closedBeforeAnswer : .lost, "HTTP/2 session with \(target) failed: \(error)")
    }
    if wrote { context.flush() }
    if !session.isAlive { fail(unanswered ? .closedBeforeAnswer : .lost, "connection to \(target) ended") }
  }

  /// Why `bytes`, the first the server sent, cannot start an HTTP/2 connection, if they
  /// cannot: its preface is a SETTINGS frame (type 4 in the fourth byte, and a small length,
  /// so a first byte of 0), whereas 20...23 open a TLS record (an alert, a handshake): a TLS
  /// server answering a cleartext client.
  static func notHTTP2(
    _ bytes: ByteBuffer, cleartext: Bool, target: String
  ) -> (ClientConnectionFailure, String)? {
    let head = Array(bytes.readableBytesView.prefix(64))
    if cleartext, let byte = head.first, (20...23).contains(byte) {
      return (.serverSpeaksTLS, "\(target) answered with TLS, not cleartext HTTP/2")
    }
    guard head.count >= 4, head[3] != 4 else { return nil }
    let line = head.prefix { $0 != 13 && $0 != 10 }
    let text = line.allSatisfy { (32..<127).contains($0) } ? " (it answered \"\(String(decoding: line, as: UTF8.self))\")" : ""
    return (.notHTTP2, "\(target) does not speak HTTP/2\(text)")
  }
}
