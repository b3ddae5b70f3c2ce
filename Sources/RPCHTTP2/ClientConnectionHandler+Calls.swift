internal import NIOCore
internal import RPCCore

/// Client streams: opening calls, sending requests, reading responses and statuses.
extension ClientConnectionHandler: NGHTTP2SessionDelegate {
  /// Opens a stream for a call, with its whole (framed) request when given; `nil` when this
  /// connection no longer takes calls.
  func open(
    headers: HeaderBlock, request: ByteBuffer?, timeout: Duration?, framer: GRPCMessageFramer,
    responses: AsyncThrowingStream<GRPCEnvelope, any Error>.Continuation, window: InboundWindow,
    onResponseMetadata: (@Sendable (Metadata) -> Void)? = nil, plain: PlainResponseHead? = nil
  ) -> ClientCallHandle? {
    guard !retired, let context, context.channel.isActive,
      let id = session.submitRequest(headers: headers)
    else { return nil }
    let stream = ClientStream(
      id: id, maxMessageSize: maxMessageSize, responses: responses, window: window)
    stream.onResponseMetadata = onResponseMetadata
    stream.plain = plain
    streams[id] = stream
    if let request {
      session.enqueue(request, stream: id)
      session.finish(stream: id, trailers: nil)
    }
    let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
    if let timeout {
      stream.deadlineTimer = context.eventLoop.scheduleTask(in: .init(timeout)) {
        loopBound.value.cancel(
          stream: id, status: RPCError(code: .deadlineExceeded, message: "deadline exceeded"))
      }
    }
    scheduleFlush()
    return ClientCallHandle(
      stream: id, eventLoop: context.eventLoop, connection: loopBound, framer: framer)
  }

  func write(
    _ framed: ByteBuffer, end: Bool, stream id: Int32,
    continuation: CheckedContinuation<Void, any Error>
  ) {
    guard let stream = streams[id], session.canSend(stream: id) else {
      return continuation.resume(throwing: RPCError(code: .cancelled, message: "call closed"))
    }
    session.enqueue(framed, stream: id)
    if end { session.finish(stream: id, trailers: nil) }
    if session.queuedBytes(stream: id) > maxBufferedOutputPerStream {
      stream.writers.append(continuation)
      session.notifyWhenDrained(stream: id)
    } else {
      continuation.resume()
    }
    scheduleFlush()
  }

  func endRequests(stream id: Int32) {
    session.finish(stream: id, trailers: nil)
    scheduleFlush()
  }

  func cancel(stream id: Int32, status: RPCError) {
    guard let stream = streams.removeValue(forKey: id) else { return }
    session.reset(stream: id, cancel: true)
    stream.complete(status)
    scheduleFlush()
    closeIfDrained()
  }

  /// After `shutdown` (or GOAWAY), closes the connection once no call is left on it.
  func closeIfDrained() {
    if retired && streams.isEmpty { context?.close(promise: nil) }
  }

  // MARK: NGHTTP2SessionDelegate

  func session(beginHeaders id: Int32) {
    responseFields = Metadata()
    responseStatus = 0
  }

  func session(header name: HeaderBytes, value: HeaderBytes, stream id: Int32) {
    if name.matches(":status") {
      responseStatus = Int(value.string) ?? 0
    } else {
      responseFields.addLowercased(name.string, value.string)
    }
  }

  func session(endHeaders id: Int32, endStream: Bool) {
    let fields = responseFields
    responseFields = Metadata()
    guard let stream = streams[id] else { return }
    if let plain = stream.plain {
      return plainHeaders(stream, plain, status: responseStatus, fields: fields, endStream: endStream)
    }
    stream.onResponseMetadata?(fields)
    if !stream.sawHeaders {
      stream.sawHeaders = true
      if responseStatus != 200 {
        return finish(id, RPCError(
          code: GRPCWire.code(forHTTPStatus: responseStatus),
          message: "HTTP status \(responseStatus) from \(target)"))
      }
      if let name = fields.first("grpc-encoding") {
        stream.deframer.encoding = CompressionAlgorithm(encodingName: name)
      }
      guard endStream else { return }
    }
    finish(id, GRPCWire.status(fromTrailers: fields))
  }

  func session(data: ByteBuffer, stream id: Int32) {
    let size = data.readableBytes
    guard let stream = streams[id] else {
      return session.consume(stream: id, bytes: size)
    }
    if stream.plain != nil { return plainData(stream, data) }
    defer {
      if stream.window.mustWithhold() {
        stream.withheld += size
      } else {
        session.consume(stream: id, bytes: size)
      }
    }
    stream.deframer.append(data)
    do {
      while let envelope = try stream.deframer.nextEnvelope() {
        stream.window.queued(envelope.payload.readableBytes)
        stream.responses?.yield(envelope)
      }
    } catch {
      cancel(stream: id, status: error)
    }
  }

  func session(endOfStream id: Int32) {
    if streams[id]?.plain != nil { return finishPlain(id) }
    finish(id, RPCError(code: .internalError, message: "response ended without trailers"))
  }

  func session(closed id: Int32, errorCode: UInt32) {
    guard let stream = streams.removeValue(forKey: id) else { return }
    let status: RPCError
    switch errorCode {
    case 7 where !stream.sawHeaders: status = .refusedStream(by: target)
    case 7: status = RPCError(code: .unavailable, message: "stream refused by \(target)")
    case 8: status = RPCError(code: .cancelled, message: "stream cancelled by \(target)")
    default:
      status = RPCError(
        code: .internalError, message: "stream reset by \(target) (HTTP/2 error \(errorCode))")
    }
    stream.complete(status)
    closeIfDrained()
  }

  func session(goAway lastStreamID: Int32, errorCode: UInt32) {
    retire()
    // The server will not process streams past `lastStreamID`. Requests still waiting for a
    // stream slot would otherwise end only once a slot frees (when nghttp2 tries to send
    // them), i.e. after the calls in flight: end them all now, refused, so they can retry.
    for id in streams.keys where id > lastStreamID {
      streams.removeValue(forKey: id)?.complete(.refusedStream(by: target))
    }
    closeIfDrained()
  }

  func session(drained id: Int32) {
    streams[id]?.resumeWriters()
  }

  /// The reader caught up with the responses: return the window held back.
  func releaseWindow(stream id: Int32) {
    guard let stream = streams[id], stream.withheld > 0 else { return }
    session.consume(stream: id, bytes: stream.withheld)
    stream.withheld = 0
    scheduleFlush()
  }

  private func finish(_ id: Int32, _ status: RPCError?) {
    guard let stream = streams.removeValue(forKey: id) else { return }
    if stream.deframer.hasPartialMessage, status == nil {
      stream.complete(RPCError(code: .internalError, message: "response ended inside a message"))
    } else {
      stream.complete(status)
    }
    if session.isSending(stream: id) { session.reset(stream: id, cancel: false) }
    closeIfDrained()
  }
}
