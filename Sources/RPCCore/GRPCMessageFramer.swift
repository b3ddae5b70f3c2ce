public import NIOCore

/// Writes outbound messages with their 5-byte envelope, compressing them with the
/// negotiated algorithm when they are large enough to be worth it.
///
/// A bare framer (`isEnveloped == false`, Connect unary) writes the serialized message as
/// it is, uncompressed: the whole body is compressed afterwards by `WireCall`.
public struct GRPCMessageFramer: Sendable {
  /// The algorithm used for outbound messages (`nil`: none).
  public var compression: CompressionAlgorithm?
  /// Messages shorter than this are sent uncompressed even when compression is on.
  public var minimumCompressedSize: Int
  /// The largest message sent (before compression); a larger one fails with
  /// `RESOURCE_EXHAUSTED` instead of being sent. `nil`: no limit.
  public var maxMessageSize: Int?
  /// Whether messages get the 5-byte envelope (`false`: the bare message, Connect unary).
  public var isEnveloped: Bool

  /// Creates a framer.
  public init(
    compression: CompressionAlgorithm? = nil, minimumCompressedSize: Int = 256, maxMessageSize: Int? = nil,
    isEnveloped: Bool = true
  ) {
    self.compression = compression == .identity ? nil : compression
    self.minimumCompressedSize = minimumCompressedSize
    self.maxMessageSize = maxMessageSize
    self.isEnveloped = isEnveloped
  }

  /// Appends the envelope of an already-serialized message to `out`.
  public func frame(_ message: ByteBuffer, into out: inout ByteBuffer) throws {
    try checkSize(message.readableBytes)
    if !isEnveloped {
      out.writeImmutableBuffer(message)
    } else if compression == .gzip, message.readableBytes >= minimumCompressedSize {
      try appendCompressed(message, into: &out)
    } else {
      out.writeInteger(UInt8(0))
      out.writeInteger(UInt32(message.readableBytes))
      out.writeImmutableBuffer(message)
    }
  }

  /// Serializes a message straight into `out` behind its envelope, with no intermediate
  /// buffer unless it gets compressed.
  public func frame(
    into out: inout ByteBuffer, serialize: (inout ByteBuffer) throws -> Void
  ) throws {
    let start = out.writerIndex
    guard isEnveloped else {
      try serialize(&out)
      do {
        try checkSize(out.writerIndex - start)
      } catch {
        out.moveWriterIndex(to: start)
        throw error
      }
      return
    }
    out.writeInteger(UInt8(0))
    out.writeInteger(UInt32(0))
    try serialize(&out)
    let length = out.writerIndex - start - 5
    do {
      try checkSize(length)
    } catch {
      out.moveWriterIndex(to: start)
      throw error
    }
    if compression == .gzip, length >= minimumCompressedSize {
      let body = out.getSlice(at: start + 5, length: length)!
      out.moveWriterIndex(to: start)
      try appendCompressed(body, into: &out)
    } else {
      out.setInteger(UInt32(length), at: start + 1)
    }
  }

  private func checkSize(_ length: Int) throws(RPCError) {
    if let maxMessageSize, length > maxMessageSize {
      throw RPCError(
        code: .resourceExhausted,
        message: "outgoing message of \(length) bytes exceeds the limit of \(maxMessageSize) bytes")
    }
  }

  /// Appends the message compressed, or as it is when compressing does not make it smaller.
  private func appendCompressed(_ message: ByteBuffer, into out: inout ByteBuffer) throws {
    let start = out.writerIndex
    out.writeInteger(UInt8(1))
    out.writeInteger(UInt32(0))
    do {
      try Zlib.compress(message, into: &out)
    } catch {
      out.moveWriterIndex(to: start)
      throw RPCError(code: .internalError, message: "compression failed")
    }
    let compressedLength = out.writerIndex - start - 5
    guard compressedLength < message.readableBytes else {
      out.moveWriterIndex(to: start)
      out.writeInteger(UInt8(0))
      out.writeInteger(UInt32(message.readableBytes))
      out.writeImmutableBuffer(message)
      return
    }
    out.setInteger(UInt32(compressedLength), at: start + 1)
  }
}
