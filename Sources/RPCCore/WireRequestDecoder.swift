package import NIOCore

/// Turns a request body into request messages for one call, whatever its protocol: the
/// enveloped variants through `GRPCMessageDeframer`, Connect unary's bare body by collecting
/// it (never more than the message limit) and inflating it at the end.
///
/// Drive it like the deframer: `append` each chunk of body, take `next()` until `nil`, and
/// at the end of the request body call `finish()`, which returns Connect unary's message.
package struct WireRequestDecoder: Sendable {
  private enum Storage: Sendable {
    case enveloped(GRPCMessageDeframer)
    case bare(body: ByteBuffer?, encoding: CompressionAlgorithm?, limit: Int)
  }

  private var storage: Storage

  /// A decoder of 5-byte envelopes.
  package init(enveloped deframer: GRPCMessageDeframer) {
    storage = .enveloped(deframer)
  }

  /// A decoder of one bare body, compressed with `encoding` when that is set.
  package init(bareBodyLimit limit: Int, encoding: CompressionAlgorithm?) {
    storage = .bare(body: nil, encoding: encoding == .identity ? nil : encoding, limit: limit)
  }

  /// Adds body bytes. A bare body past the message limit fails with `RESOURCE_EXHAUSTED`
  /// at once, before it is buffered.
  package mutating func append(_ bytes: ByteBuffer) throws(RPCError) {
    switch storage {
    case .enveloped(var deframer):
      deframer.append(bytes)
      storage = .enveloped(deframer)
    case .bare(var body, let encoding, let limit):
      let total = (body?.readableBytes ?? 0) + bytes.readableBytes
      guard total <= limit else {
        storage = .bare(body: nil, encoding: encoding, limit: limit)
        throw RPCError(
          code: .resourceExhausted,
          message: "request body of \(total)+ bytes exceeds the limit of \(limit) bytes")
      }
      if body == nil {
        body = bytes
      } else {
        body!.writeImmutableBuffer(bytes)
      }
      storage = .bare(body: body, encoding: encoding, limit: limit)
    }
  }

  /// The next complete message (decompressed); always `nil` for a bare body until `finish`.
  package mutating func next() throws(RPCError) -> ByteBuffer? {
    guard case .enveloped(var deframer) = storage else { return nil }
    defer { storage = .enveloped(deframer) }
    return try deframer.next()
  }

  /// The next complete envelope as received (still compressed), for readers that open
  /// messages later; always `nil` for a bare body.
  package mutating func nextEnvelope() throws(RPCError) -> GRPCEnvelope? {
    guard case .enveloped(var deframer) = storage else { return nil }
    defer { storage = .enveloped(deframer) }
    return try deframer.nextEnvelope()
  }

  /// Bytes received and not yet returned as messages.
  package var bufferedBytes: Int {
    switch storage {
    case .enveloped(let deframer): deframer.bufferedBytes
    case .bare(let body, _, _): body?.readableBytes ?? 0
    }
  }

  /// The request body ended. Enveloped: fails when it ended inside a message, else `nil`.
  /// Bare: the one message, inflated up to the limit (an empty body is the empty message
  /// and is never inflated).
  package mutating func finish() throws(RPCError) -> ByteBuffer? {
    switch storage {
    case .enveloped(let deframer):
      guard !deframer.hasPartialMessage else {
        throw RPCError(code: .internalError, message: "stream ended inside a message")
      }
      return nil
    case .bare(let body, let encoding, let limit):
      storage = .bare(body: nil, encoding: encoding, limit: limit)
      let message = body ?? ByteBuffer()
      guard let encoding, message.readableBytes > 0 else { return message }
      return try GRPCEnvelope(payload: message, compression: encoding, limit: limit).message()
    }
  }
}
