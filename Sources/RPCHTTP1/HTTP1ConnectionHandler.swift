package import Logging
package import NIOCore
package import NIOHTTP1
internal import RPCCore

/// One HTTP/1.1 server connection behind NIOHTTP1's server pipeline (codec, pipelining
/// assistance, protocol-error answers): runs one call at a time for Connect and gRPC-Web
/// clients. Moves request parts into the call and answers back; the call rules live in its
/// `ServerCallStateMachine` (run by `+Steps`), the HTTP/1.1 ones in
/// `+Calls` and `+Responses`.
///
/// Keep-alive follows the request (`Connection: close`, HTTP/1.0); NIOHTTP1's pipeline handler
/// holds pipelined requests back until the running call's response ended, and on
/// `ChannelShouldQuiesceEvent` closes the connection once the running call finished.
package final class HTTP1ConnectionHandler: ChannelInboundHandler {
  package typealias InboundIn = HTTPServerRequestPart
  package typealias OutboundOut = HTTPServerResponsePart

  let routes: HTTP1Routes
  let configuration: HTTP1Configuration
  let logger: Logger
  var context: ChannelHandlerContext?
  var peer = "unknown"
  /// The call being received or answered.
  var call: HTTP1Call?
  /// The version answers are sent with: the request's (1.0 or 1.1).
  var responseVersion: HTTPVersion = .http1_1
  /// A request head arrived and its `.end` has not.
  var requestOpen = false
  /// The request asked for `100 Continue` and has not had it: answered without it, its body
  /// may never come, so the connection closes after the answer.
  var continueAwaited = false
  /// An answered request on a kept-alive connection whose remaining body is read and
  /// dropped: the bytes so far. Past `skipLimit` bytes the connection closes (lingering).
  var skipped: Int?
  static let skipLimit = 1 << 20
  /// Bytes of request body dropped during a lingering close (`+Lingering`), and its timer.
  var lingered: Int?
  var lingerTimer: Scheduled<Void>?
  /// The last response write, which a close waits for.
  var lastWrite: EventLoopFuture<Void>?
  /// A response's `.end` is being written; request parts arriving meanwhile are held.
  var endingResponse = false
  var heldParts: [HTTPServerRequestPart] = []
  var calls = 0
  /// Told of every call once, when it ends.
  var observers: CallObservers { configuration.observers }
  /// Makes the request ids of calls that came without one.
  var requestIDs = RequestIDGenerator()
  /// The server's graceful shutdown began: a call cut short now was cut by it.
  var shuttingDown = false
  /// The plain HTTP request being received or answered (`+Plain`).
  var plain: HTTP1PlainRequest?
  /// Closes a connection with no request for its timeout, or whose request body stalled
  /// that long; never one whose call runs (calls end by their deadline or the client).
  /// Armed for `idleTimerDue`, it stays armed across requests (`+Idle`).
  var idleTimer: Scheduled<Void>?
  var idleTimerDue = NIODeadline.distantFuture
  /// What the idle timer watches: since when, for how long, and whether at all (not while a
  /// call runs).
  var idleFrom = NIODeadline.now()
  var idleLimit = TimeAmount.zero
  var idleWatched = false
  var lastRead = NIODeadline.now()
  var closing = false

  package init(routes: HTTP1Routes, configuration: HTTP1Configuration, logger: Logger) {
    self.routes = routes
    self.configuration = configuration
    self.logger = logger
  }

  package func handlerAdded(context: ChannelHandlerContext) {
    self.context = context
    if let remote = context.channel.remoteAddress {
      peer = "\(remote.ipAddress ?? "?"):\(remote.port ?? 0)"
    }
    armIdleTimer(configuration.firstRequestTimeout)
  }

  package func handlerRemoved(context: ChannelHandlerContext) {
    idleTimer?.cancel()
    self.context = nil
  }

  package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    let part = unwrapInboundIn(data)
    // Ending a response makes NIOHTTP1 hand over the next pipelined request from inside that
    // write: take it once the write (and this handler's bookkeeping of it) is done.
    guard !endingResponse else { return heldParts.append(part) }
    handle(part)
  }

  /// Takes the request parts that arrived while a response was being ended.
  func handleHeldParts() {
    while !heldParts.isEmpty, !endingResponse { handle(heldParts.removeFirst()) }
  }

  private func handle(_ part: HTTPServerRequestPart) {
    switch part {
    case .head(let head):
      requestOpen = true
      responseVersion = head.version.major == 1 && head.version.minor == 0 ? .http1_0 : .http1_1
      lastRead = .now()
      armIdleTimer(configuration.idleTimeout)  // now it watches the body for stalls
      continueAwaited = head.headers[canonicalForm: "expect"].contains { $0.lowercased() == "100-continue" }
      begin(head)
    case .body(let bytes):
      lastRead = .now()
      if let lingered {
        self.lingered = lingered + bytes.readableBytes
        if lingered + bytes.readableBytes > Self.lingerLimit { closeNow() }
      } else if let skipped {
        self.skipped = skipped + bytes.readableBytes
        if skipped + bytes.readableBytes > Self.skipLimit { lingeringClose() }
      } else if plain != nil {
        receivePlain(bytes)
      } else {
        receive(bytes)
      }
    case .end:
      requestOpen = false
      idleWatched = false  // the call runs: nothing to watch until it is answered
      if lingered != nil {
        closeAfterWrites()
      } else if skipped != nil {
        skipped = nil
        if call == nil { armIdleTimer(configuration.idleTimeout) }
      } else if plain != nil {
        endOfPlainRequest()
      } else {
        endOfRequest()
      }
    }
  }

  package func channelWritabilityChanged(context: ChannelHandlerContext) {
    if context.channel.isWritable, let call { perform(call.machine.writeDrained(), call) }
    context.fireChannelWritabilityChanged()
  }

  package func channelInactive(context: ChannelHandlerContext) {
    idleTimer?.cancel()
    lingerTimer?.cancel()
    plain?.task?.cancel()
    plain = nil
    if let call {
      self.call = nil
      perform(
        call.machine.cancelled(
          shuttingDown
            ? RPCError(code: .unavailable, message: "the server shut down before the call finished")
            : RPCError(code: .cancelled, message: "the connection closed before the call finished")), call)
    }
    context.fireChannelInactive()
  }

  package func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if event is GracefulShutdownEvent { shuttingDown = true }
    context.fireUserInboundEventTriggered(event)
  }

  package func errorCaught(context: ChannelHandlerContext, error: any Error) {
    if let lingered {  // a lingering close drops what still comes (`+Lingering`)
      if case ByteToMessageDecoderError.dataReceivedInErrorState(_, let bytes) = error,
        lingered + bytes.readableBytes <= Self.lingerLimit
      {
        self.lingered = lingered + bytes.readableBytes
        return
      }
      return closeNow()
    }
    logger.debug("HTTP/1.1 connection error: \(error)", metadata: ["peer": "\(peer)"])
    if error is HTTPParserError { return lingerAfterBadRequest() }
    closeNow()
  }

  // MARK: connection lifecycle

  /// The answer to the current request went out (its `.end` written): skip what is left of
  /// the request body (closing without reading it could reset the connection and lose the
  /// answer: a lingering close when the connection ends), else close when the answer said
  /// so, else wait for the next request.
  func answered(keepAlive: Bool) {
    call = nil
    plain = nil
    if requestOpen, keepAlive, !continueAwaited {
      skipped = 0
    } else if requestOpen {
      lingeringClose()
    } else if keepAlive {
      armIdleTimer(configuration.idleTimeout)
    } else {
      closeAfterWrites()
    }
  }

  /// Closes once the last response write is done.
  func closeAfterWrites() {
    guard let context, !closing else { return }
    closing = true
    let channel = context.channel
    guard let lastWrite else { return channel.close(promise: nil) }
    lastWrite.whenComplete { _ in channel.close(promise: nil) }
  }

  /// Closes the socket at once.
  func closeNow() {
    guard let context, !closing else { return }
    closing = true
    context.close(promise: nil)
  }
}
