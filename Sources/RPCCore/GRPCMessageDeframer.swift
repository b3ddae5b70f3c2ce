public import NIOCore

/// Splits a stream of DATA bytes into length-prefixed messages (the envelope shared by gRPC,
/// gRPC-Web and Connect: one flag byte, a big-endian 32-bit length, the body).
///
/// A pure state machine: `append` bytes as they arrive, then call `next` until it returns
/// `nil`. A length beyond `maxMessageSize` fails with `RESOURCE_EXHAUSTED` as soon as the
/// prefix is seen, before any of the body is buffered; a compressed message without a
/// negotiated encoding fails with `INTERNAL`; gzip bodies are inflated up to the limit only.
public struct GRPCMessageDeframer: Sendable {
  /// The largest message accepted, after decompression.
  public let maxMessageSize: Int
  /// The request's `grpc-encoding`; `nil` or `.identity` means compressed messages are an error.
  public var encoding: CompressionAlgorithm?
  private var buffer: ByteBuffer?

  /// Creates a deframer.
  public init(maxMessageSize: Int, encoding: CompressionAlgorithm? = nil) {
    self.maxMessageSize = maxMessageSize
    self.encoding = encoding
  }

  /// Adds received bytes; takes the buffer without copying when nothing is pending.
  public mutating func append(_ bytes: ByteBuffer) {
    if var pending = buffer, pending.readableBytes > 0 {
      pending.writeImmutableBuffer(bytes)
      buffer = pending
    } else {
      buffer = bytes
    }
  }

  /// Whether bytes of an incomplete message are buffered (an error at the end of stream).
  public var hasPartialMessage: Bool { (buffer?.readableBytes ?? 0) > 0 }

  /// Bytes received but not yet returned as messages.
  public var bufferedBytes: Int { buffer?.readableBytes ?? 0 }

  /// The next complete message, or `nil` when more bytes are needed.
  public mutating func next() throws(RPCError) -> ByteBuffer? {
    guard var pending = buffer, pending.readableBytes >= 5 else { return nil }
    let index = pending.readerIndex
    let flags = pending.getInteger(at: index, as: UInt8.self)!
    let length = Int(pending.getInteger(at: index + 1, as: UInt32.self)!)
    guard length <= maxMessageSize else {
      buffer = nil
      throw RPCError(
        code: .resourceExhausted,
        message: "message of \(length) bytes exceeds the limit of \(maxMessageSize) bytes")
    }
    guard flags & 0x7E == 0 else {
      throw RPCError(code: .internalError, message: "invalid message flags \(flags)")
    }
    guard pending.readableBytes >= 5 + length else { return nil }
    pending.moveReaderIndex(forwardBy: 5)
    let body = pending.readSlice(length: length)!
    buffer = pending.readableBytes > 0 ? pending : nil
    guard flags & 1 == 1 else { return body }
    guard let encoding, encoding != .identity else {
      throw RPCError(
        code: .internalError, message: "compressed message received without grpc-encoding")
    }
    return try Self.inflate(body, encoding: encoding, limit: maxMessageSize)
  }

  private static func inflate(
    _ body: ByteBuffer, encoding: CompressionAlgorithm, limit: Int
  ) throws(RPCError) -> ByteBuffer {
    do {
      return try Zlib.decompress(body, limit: limit)
    } catch .limitExceeded {
      throw RPCError(
        code: .resourceExhausted,
        message: "decompressed message exceeds the limit of \(limit) bytes")
    } catch {
      throw RPCError(code: .internalError, message: "invalid \(encoding.rawValue) message")
    }
  }
}
