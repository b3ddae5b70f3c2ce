internal import Logging
internal import NIOCore
internal import RPCCore
internal import RPCHTTP1

/// One server connection: an nghttp2 server session inside a channel handler. Moves bytes
/// between the socket and the session, pulls output only while the channel is writable, and
/// runs the connection's timers; each call's rules live in its stream's
/// `ServerCallStateMachine` (`+Calls`, `+Steps`).
/// Stored properties are `@exclusivity(unchecked)`: the class lives on one event loop, and the
/// run-time check of each access (`swift_beginAccess`) cost pool Get 0.45 µs of ~5.9 with
/// the optimizations it blocked (README, Metrics and health).
final class ServerConnectionHandler: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  /// Sent through the pipeline to start a graceful shutdown of the connection.
  typealias GracefulShutdownEvent = RPCHTTP1.GracefulShutdownEvent

  /// The server's routes, limits, observers and logger, shared by its connections (`+Shared`).
  let shared: Shared
  /// The streams of plain HTTP resources (`+Plain`).
  @exclusivity(unchecked) var plainStreams: [Int32: PlainStream] = [:]
  /// Where the connection and its open call streams are counted for `/metrics`: its event
  /// loop's counts, changed when it is added and removed and when `streams` changes.
  let counts: TransportCensus.LoopCounts?
  /// Makes the request ids of calls that came without one.
  @exclusivity(unchecked) var requestIDs = RequestIDGenerator()
  @exclusivity(unchecked) var lastRoute: ServerRoute?
  /// The request header block being collected (header blocks never interleave).
  @exclusivity(unchecked) var head = RequestHead()
  @exclusivity(unchecked) var collecting = false
  let session: NGHTTP2Session
  @exclusivity(unchecked) var context: ChannelHandlerContext?
  @exclusivity(unchecked) var streams: [Int32: ServerStream] = [:]
  /// Calls with a deadline that began in the current read burst (`+Steps`).
  @exclusivity(unchecked) var pendingDeadlines: [ServerStream] = []
  /// Bounds the replies encoded but not yet sent (`+Budget`).
  @exclusivity(unchecked) var replyBudget: ConnectionReplyBudget
  /// Success heads of gRPC-Web and Connect, encoded once (`WireResponseHead.key`).
  @exclusivity(unchecked) var encodedHeads: [WireResponseHead.Key: NGHTTP2Session.HeaderBlock] = [:]
  /// The last success head sent with a call policy's fields, by policy, version and head
  /// (``successHead(_:_:)``): reads between two commits share one encoding.
  @exclusivity(unchecked) var lastPolicyHead: (policy: any CallPolicy, version: UInt64, key: WireResponseHead.Key, block: NGHTTP2Session.HeaderBlock)?
  @exclusivity(unchecked) var peer = "unknown"
  @exclusivity(unchecked) var reading = false
  @exclusivity(unchecked) private var flushScheduled = false
  /// The channel's writability as its last change said (read per flush without touching
  /// the channel's atomic, a cache miss on a connection that was idle).
  @exclusivity(unchecked) private var writable = true
  /// The idle connections of this connection's event loop, and its place there (`+Idle`).
  @exclusivity(unchecked) var idle: IdleConnections?
  @exclusivity(unchecked) var idleLinks = IdleConnections.Links()
  /// When the connection last became free of streams.
  @exclusivity(unchecked) var idleSince = NIODeadline.now()
  @exclusivity(unchecked) var firstRequestTimer: Scheduled<Void>?
  @exclusivity(unchecked) var sawRequest = false
  @exclusivity(unchecked) var shuttingDown = false
  @exclusivity(unchecked) private var closing = false

  init(shared: Shared, counts: TransportCensus.LoopCounts? = nil, replyBudget: SharedReplyBudget) {
    self.shared = shared
    self.counts = counts
    self.replyBudget = ConnectionReplyBudget(
      limit: shared.limits.maxBufferedReplyBytesPerConnection, shared: replyBudget)
    self.session = NGHTTP2Session(
      server: true, settings: shared.settings, lowWaterMark: shared.limits.maxBufferedOutputPerStream)
    session.delegate = self
  }

  func handlerAdded(context: ChannelHandlerContext) {
    counts?.addConnections(1)
    self.context = context
    writable = context.channel.isWritable
    if context.channel.isActive { start(context: context) }
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    counts?.addConnections(-1)
    shared.connections.remove(context.channel)  // only at the connection's close
    idle?.remove(self)
    replyBudget.close()
    self.context = nil
  }

  func channelActive(context: ChannelHandlerContext) {
    start(context: context)
    context.fireChannelActive()
  }

  private func start(context: ChannelHandlerContext) {
    guard firstRequestTimer == nil, !sawRequest else { return }
    idle = shared.idleConnections(on: context.eventLoop)
    if let remote = context.channel.remoteAddress {
      peer = "\(remote.ipAddress ?? "?"):\(remote.port ?? 0)"
    }
    let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
    firstRequestTimer = context.eventLoop.scheduleTask(in: .init(limits.firstRequestTimeout)) {
      loopBound.value.closeNow(reason: "no request within the first-request timeout")
    }
    flushOutput()
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    reading = true
    do {
      try session.receive(unwrapInboundIn(data))
    } catch {
      logger.debug("closing connection: \(error)", metadata: ["peer": "\(peer)"])
      reading = false
      armPendingDeadlines()
      flushOutput()
      closeNow(reason: "protocol error: \(error)")
    }
  }

  func channelReadComplete(context: ChannelHandlerContext) {
    reading = false
    armPendingDeadlines()
    flushOutput()
    context.fireChannelReadComplete()
  }

  func channelWritabilityChanged(context: ChannelHandlerContext) {
    writable = context.channel.isWritable
    if writable { flushOutput() }
    context.fireChannelWritabilityChanged()
  }

  func channelInactive(context: ChannelHandlerContext) {
    firstRequestTimer?.cancel()
    replyBudget.close()
    // A call the connection's end cut short: by the server's shutdown (past its grace
    // period), else by the client (or a protocol error).
    let ended =
      shuttingDown
      ? RPCError(code: .unavailable, message: "the server shut down before the call finished")
      : RPCError(code: .cancelled, message: "the connection closed before the call finished")
    let open = streams
    streams = [:]  // first: no stream gone makes a closed connection idle
    counts?.addStreams(-open.count)
    pendingDeadlines = []
    for stream in open.values { perform(stream.machine.cancelled(ended), stream) }
    idle?.remove(self)  // after the streams: the last one gone made the connection idle
    context.fireChannelInactive()
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if event is GracefulShutdownEvent {
      beginGracefulShutdown()
    } else {
      context.fireUserInboundEventTriggered(event)
    }
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    logger.debug("connection error: \(error)", metadata: ["peer": "\(peer)"])
    closeNow(reason: "\(error)")
  }

  // MARK: output

  /// Flushes soon, once per event-loop turn, unless a read burst will flush anyway.
  func scheduleFlush() {
    guard !reading, !flushScheduled, let context else { return }
    flushScheduled = true
    let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
    context.eventLoop.execute {
      loopBound.value.flushScheduled = false
      loopBound.value.flushOutput()
    }
  }

  /// Pulls frames from nghttp2 while the channel is writable and writes them in one flush,
  /// serialized into the event loop's output buffer (``LoopOutputBuffer``).
  func flushOutput() {
    guard let context, !closing else { return }
    var wrote = false
    if writable {
      let output = LoopOutputBuffer.current()
      var out = output.take()
      defer { output.put(out) }
      do {
        while try session.pullOutput(into: &out, maxBytes: 64 << 10) {
          context.write(wrapOutboundOut(out), promise: nil)
          wrote = true
          // The channel holds what was written: more output goes into a new buffer.
          guard writable, session.wantsWrite else { break }
          out.clear(minimumCapacity: LoopOutputBuffer.initialCapacity)
        }
      } catch {
        closeNow(reason: "nghttp2 failed: \(error)")
        return
      }
    }
    if wrote {
      // Before the bytes can reach the peer: whatever it does next sees the server's total.
      replyBudget.report(queued: session.queuedBytes)
      context.flush()
    }
    admitWaiting()
    if !session.isAlive || (shuttingDown && streams.isEmpty && plainStreams.isEmpty && !session.wantsWrite) {
      closeAfterWrites(context: context)
    }
  }

  private func closeAfterWrites(context: ChannelHandlerContext) {
    guard !closing else { return }
    closing = true
    let promise = context.eventLoop.makePromise(of: Void.self)
    context.writeAndFlush(wrapOutboundOut(allocator.buffer(capacity: 0)), promise: promise)
    let channel = context.channel
    promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
  }

  /// Closes the socket at once.
  func closeNow(reason: String) {
    guard let context, !closing else { return }
    logger.debug("closing connection", metadata: ["peer": "\(peer)", "reason": "\(reason)"])
    closing = true
    context.close(promise: nil)
  }
}

extension TimeAmount {
  /// The duration, saturating at about 292 years instead of trapping on overflow.
  init(_ duration: Duration) {
    self = .nanoseconds(duration.saturatingNanoseconds)
  }
}
