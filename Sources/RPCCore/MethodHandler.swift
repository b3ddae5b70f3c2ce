package import NIOCore
package import Logging

/// A registered method with its message types erased: the transport hands it bytes and gets
/// bytes back. Decoding failures are already mapped to `INVALID_ARGUMENT`.
package enum MethodHandler: Sendable {
  /// Runs on the event loop: decodes, calls the handler and frames the reply into `out`.
  case unaryInline(
    @Sendable (ByteBuffer, ServerContext, GRPCMessageFramer, inout ByteBuffer) throws -> Void)
  /// Tries `fast` on the event loop first, as `.unaryInline` runs: it either frames the
  /// reply into its `inout` buffer and returns true (what it throws fails the call), or
  /// returns false having done nothing, and `full` then runs in a task, as `.unary`'s
  /// handler. For a method whose common case only updates memory and whose rare case must
  /// wait (a durable write): the common case costs no task and no thread hop.
  case unaryInlineFirst(
    fast: @Sendable (ByteBuffer, ServerContext, GRPCMessageFramer, inout ByteBuffer) throws -> Bool,
    full: @Sendable (ByteBuffer, ServerContext) async throws -> ByteBuffer)
  /// Runs in a task; returns the serialized response.
  case unary(@Sendable (ByteBuffer, ServerContext) async throws -> ByteBuffer)
  /// One request, a stream of serialized responses.
  case serverStreaming(
    @Sendable (ByteBuffer, RPCWriter<ByteBuffer>, ServerContext) async throws -> Void)
  /// Streams both ways.
  case bidiStreaming(
    @Sendable (RPCAsyncSequence<ByteBuffer>, RPCWriter<ByteBuffer>, ServerContext) async throws
      -> Void)

  /// Whether the method takes exactly one request message.
  package var isUnaryRequest: Bool {
    switch self {
    case .unaryInline, .unaryInlineFirst, .unary, .serverStreaming: true
    case .bidiStreaming: false
    }
  }

  /// The status a failed call reports. `RPCError`s pass through; cancellation becomes
  /// `CANCELLED`; anything else is logged and reported as `UNKNOWN` without its details.
  package static func status(for error: any Error, logger: Logger) -> RPCError {
    switch error {
    case let error as RPCError:
      return error
    case is CancellationError:
      return RPCError(code: .cancelled, message: "call cancelled")
    default:
      logger.error("handler failed", metadata: ["error": "\(String(reflecting: error))"])
      return RPCError(code: .unknown, message: "the handler failed")
    }
  }
}

extension MessageDeserializer {
  /// Decodes a request (`deserializeRequest`), turning any non-`RPCError` failure into
  /// `INVALID_ARGUMENT`. The one place where servers decode requests.
  package func decodeRequest(_ buffer: ByteBuffer) throws(RPCError) -> Message {
    do {
      return try deserializeRequest(buffer)
    } catch let error as RPCError {
      throw error
    } catch {
      throw RPCError(code: .invalidArgument, message: "could not decode the request: \(error)")
    }
  }
}

extension MessageSerializer {
  /// Serializes into a fresh buffer.
  package func encode(_ message: Message) throws -> ByteBuffer {
    var buffer = ByteBufferAllocator().buffer(capacity: 256)
    try serialize(message, into: &buffer)
    return buffer
  }
}
