internal import NIOCore
internal import RPCCore

/// Plain HTTP exchanges on a client connection (``RPCClient/exchange(_:timeout:)``): the head
/// is kept, the body collected whole (at most `maxMessageSize`) and handed over at its end.
extension ClientConnectionHandler {
  func plainHeaders(_ stream: ClientStream, _ plain: PlainResponseHead, status: Int, fields: Metadata, endStream: Bool) {
    if !stream.sawHeaders && status >= 200 {  // 1xx heads are informational
      stream.sawHeaders = true
      plain.set(status: status, fields: fields)
    }
    if endStream { finishPlain(stream.id) }
  }

  func plainData(_ stream: ClientStream, _ data: ByteBuffer) {
    session.consume(stream: stream.id, bytes: data.readableBytes)
    var body = stream.plainBody ?? ByteBuffer()
    guard body.readableBytes + data.readableBytes <= maxMessageSize else {
      return cancel(
        stream: stream.id,
        status: RPCError(code: .resourceExhausted, message: "the response of \(target) exceeds \(maxMessageSize) bytes"))
    }
    var data = data
    body.writeBuffer(&data)
    stream.plainBody = body
  }

  func finishPlain(_ id: Int32) {
    guard let stream = streams.removeValue(forKey: id) else { return }
    guard stream.sawHeaders else {
      stream.complete(RPCError(code: .internalError, message: "the response of \(target) ended without a head"))
      return closeIfDrained()
    }
    stream.responses?.yield(
      GRPCEnvelope(payload: stream.plainBody ?? ByteBuffer(), compression: nil, limit: maxMessageSize))
    stream.complete(nil)
    if session.isSending(stream: id) { session.reset(stream: id, cancel: false) }
    closeIfDrained()
  }
}
