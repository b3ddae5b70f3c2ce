internal import NIOCore
internal import NIOHTTP1

/// Closing a connection whose client is still sending a request body. Closing at once would
/// leave unread bytes in the socket, which makes the kernel reset the connection: a client
/// still uploading then fails ("connection reset") before it reads the answer. Instead the
/// answer goes out, the output side closes after it (the client sees the answer, then the
/// end of the response stream), and the rest of the body is read and dropped until it ends,
/// until `lingerLimit` bytes or for `lingerTimeout` at most; then the connection closes.
extension HTTP1ConnectionHandler {
  /// Request body bytes dropped during a lingering close before the connection closes anyway.
  static let lingerLimit = 32 << 20
  /// How long a lingering close waits for the body's end at most.
  static let lingerTimeout = TimeAmount.seconds(5)

  /// Closes the connection after the answer without resetting it (see the type's notes).
  func lingeringClose() {
    guard let context, !closing, lingered == nil else { return }
    guard requestOpen else { return closeAfterWrites() }
    skipped = nil
    lingered = 0
    let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
    let written = lastWrite ?? context.eventLoop.makeSucceededVoidFuture()
    written.whenComplete { _ in
      let handler = loopBound.value
      guard !handler.closing, let context = handler.context else { return }
      context.close(mode: .output, promise: nil)  // unsupported (e.g. TLS): the timer closes
    }
    lingerTimer = context.eventLoop.scheduleTask(in: Self.lingerTimeout) {
      loopBound.value.closeNow()
    }
  }

  /// How long the input of a request that could not be parsed is drained at most.
  static let badRequestLingerTimeout = TimeAmount.seconds(2)

  /// Closes the connection after NIOHTTP1's answer to bytes that are not HTTP/1.1 (its
  /// `HTTPServerProtocolErrorHandler` wrote a 400 when no response was under way) without
  /// resetting it. Those bytes may be only the start of what the client sent (a TLS
  /// ClientHello at this cleartext port, read in part by a small first read): closing with
  /// them unread makes the kernel send a reset, which can destroy the 400 before the client
  /// reads it. So the output side closes once the 400 is written, and what still comes is
  /// dropped (`errorCaught`, after the decoder's error) until the client closes, for
  /// `badRequestLingerTimeout` or `lingerLimit` bytes at most.
  func lingerAfterBadRequest() {
    guard let context, !closing, lingered == nil else { return }
    guard call == nil, plain == nil else { return closeNow() }
    lingered = 0
    let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
    let shut = context.eventLoop.makePromise(of: Void.self)
    shut.futureResult.whenFailure { _ in loopBound.value.closeNow() }  // e.g. TLS: close now
    context.close(mode: .output, promise: shut)  // after the pending writes (the 400)
    lingerTimer = context.eventLoop.scheduleTask(in: Self.badRequestLingerTimeout) {
      loopBound.value.closeNow()
    }
  }

  /// The transfer coding of a request that this server does not implement, quoted; `nil`
  /// when the body is plain or `chunked` alone (RFC 9112 section 6.1: 501 for others).
  static func unsupportedTransferCoding(_ headers: HTTPHeaders) -> String? {
    let codings = headers[canonicalForm: "transfer-encoding"].map { $0.lowercased() }
    guard !codings.isEmpty, codings != ["chunked"] else { return nil }
    let other = codings.first { $0 != "chunked" } ?? "chunked"
    let shown = other.count > 40 ? other.prefix(40) + "…" : Substring(other)
    return codings.filter({ $0 == "chunked" }).count > 1 ? "\"chunked\" twice" : "\"\(shown)\""
  }
}
