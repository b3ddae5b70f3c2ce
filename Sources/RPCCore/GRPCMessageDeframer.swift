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
  /// The flag that marks a protocol's last envelope in a response body (0x80 gRPC-Web
  /// trailers, 0x02 Connect end-of-stream); `nil` (requests, gRPC) treats 0x02 as invalid.
  public var endOfStreamFlag: UInt8?
  private var buffer: ByteBuffer?

  /// Creates a deframer.
  public init(
    maxMessageSize: Int, encoding: CompressionAlgorithm? = nil, endOfStreamFlag: UInt8? = nil
  ) {
    self.maxMessageSize = maxMessageSize
    self.encoding = encoding
    self.endOfStreamFlag = endOfStreamFlag
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

  /// The next complete message, decompressed, or `nil` when more bytes are needed.
  public mutating func next() throws(RPCError) -> ByteBuffer? {
    try nextEnvelope()?.message()
  }

  /// The next complete message as it came off the wire (still compressed, when it was), or
  /// `nil` when more bytes are needed. Readers that may fall behind keep envelopes, whose
  /// size is what flow control counts, and open them one at a time.
  public mutating func nextEnvelope() throws(RPCError) -> GRPCEnvelope? {
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
    guard flags & 0x7E & ~(endOfStreamFlag ?? 0) == 0 else {
      throw RPCError(code: .internalError, message: "invalid message flags \(flags)")
    }
    guard pending.readableBytes >= 5 + length else { return nil }
    pending.moveReaderIndex(forwardBy: 5)
    let body = pending.readSlice(length: length)!
    buffer = pending.readableBytes > 0 ? pending : nil
    let isEnd = endOfStreamFlag.map { flags & $0 != 0 } ?? false
    guard flags & 1 == 1 else {
      return GRPCEnvelope(
        payload: body, compression: nil, limit: maxMessageSize, isEndOfStream: isEnd)
    }
    guard let encoding, encoding != .identity else {
      throw RPCError(
        code: .internalError, message: "compressed message received without grpc-encoding")
    }
    return GRPCEnvelope(
      payload: body, compression: encoding, limit: maxMessageSize, isEndOfStream: isEnd)
  }

  fileprivate static func inflate(
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

/// One length-prefixed message as received: its payload, compressed with `compression`
/// when that is set, and the size limit its decompression must respect.
public struct GRPCEnvelope: Sendable {
  /// The bytes after the 5-byte prefix.
  public var payload: ByteBuffer
  /// The algorithm the payload is compressed with, `nil` when it is not.
  public var compression: CompressionAlgorithm?
  /// The largest message `message()` produces.
  public var limit: Int
  /// Whether this is the protocol's last envelope (`endOfStreamFlag`): gRPC-Web trailers or
  /// a Connect end-of-stream message rather than a message of the method.
  public var isEndOfStream: Bool = false

  /// Creates an envelope.
  public init(
    payload: ByteBuffer, compression: CompressionAlgorithm?, limit: Int,
    isEndOfStream: Bool = false
  ) {
    self.payload = payload
    self.compression = compression
    self.limit = limit
    self.isEndOfStream = isEndOfStream
  }

  /// The message: the payload, decompressed (never past `limit`) when it is compressed.
  public func message() throws(RPCError) -> ByteBuffer {
    guard let compression else { return payload }
    return try GRPCMessageDeframer.inflate(payload, encoding: compression, limit: limit)
  }
}
