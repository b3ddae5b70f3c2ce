public import ClusterPoolProto
public import NIOCore

/// Serializes a generated protobuf message into an outbound RPC buffer.
public struct ProtoSerializer<Message: ProtoMessage>: MessageSerializer {
  public init() {}

  public func serialize(_ message: Message, into buffer: inout ByteBuffer) throws {
    do {
      buffer.writeBytes(try message.serializedBytes())
    } catch {
      throw RPCError(code: .internalError, message: "could not encode \(Message.protoMessageName): \(error)")
    }
  }
}

/// Decodes a generated protobuf message from an inbound RPC buffer; bad bytes are the
/// caller's fault, so they become `INVALID_ARGUMENT`.
///
/// As a server's request decoder (`deserializeRequest`) it also applies `requestLimits`
/// (`RESOURCE_EXHAUSTED` past them) and refuses any enum field, at any depth, holding a number
/// its enum does not define (`INVALID_ARGUMENT` naming the field, e.g.
/// `status.health: unknown enum value 7`). Replies decoded by clients keep such numbers.
public struct ProtoDeserializer<Message: ProtoMessage>: MessageDeserializer {
  /// The bounds on decoding a request.
  public let requestLimits: ProtoDecodeLimits

  public init(requestLimits: ProtoDecodeLimits = .requests) {
    self.requestLimits = requestLimits
  }

  public func deserialize(_ buffer: ByteBuffer) throws -> Message {
    do {
      return try buffer.withUnsafeReadableBytes { try Message(serializedBytes: $0) }
    } catch {
      throw RPCError(code: .invalidArgument, message: "invalid \(Message.protoMessageName): \(error)")
    }
  }

  public func deserializeRequest(_ buffer: ByteBuffer) throws -> Message {
    let message: Message
    do {
      message = try buffer.withUnsafeReadableBytes { try Message(serializedBytes: $0, limits: requestLimits) }
    } catch let error as ProtoDecodingError where error.limitExceeded {
      throw RPCError(code: .resourceExhausted, message: "\(Message.protoMessageName) too large to decode: \(error.reason)")
    } catch {
      throw RPCError(code: .invalidArgument, message: "invalid \(Message.protoMessageName): \(error)")
    }
    if let undefined = message.undefinedEnumValue() {
      throw RPCError(code: .invalidArgument, message: "invalid \(Message.protoMessageName): \(undefined)")
    }
    return message
  }
}

extension MethodRegistry {
  /// Registers a unary method served on the event loop (in-memory reads only).
  public func inline<Req: ProtoMessage, Resp: ProtoMessage>(
    _ method: MethodDescriptor, _: Req.Type = Req.self, _: Resp.Type = Resp.self,
    _ handler: @escaping @Sendable (Req, ServerContext) throws -> Resp
  ) {
    registerUnaryInline(method, deserializer: ProtoDeserializer<Req>(), serializer: ProtoSerializer<Resp>(), handler: handler)
  }

  /// Registers a unary method answered on the event loop when `fast` can (its response),
  /// else in its own task by `handler` (``registerUnaryInlineFirst(_:deserializer:serializer:fast:handler:)``).
  public func inlineFirst<Req: ProtoMessage, Resp: ProtoMessage>(
    _ method: MethodDescriptor, _: Req.Type = Req.self, _: Resp.Type = Resp.self,
    fast: @escaping @Sendable (Req, ServerContext) -> Resp?,
    _ handler: @escaping @Sendable (Req, ServerContext) async throws -> Resp
  ) {
    registerUnaryInlineFirst(
      method, deserializer: ProtoDeserializer<Req>(), serializer: ProtoSerializer<Resp>(), fast: fast, handler: handler)
  }

  /// Registers a unary method run in its own task (may suspend, e.g. for storage).
  public func unary<Req: ProtoMessage, Resp: ProtoMessage>(
    _ method: MethodDescriptor, _: Req.Type = Req.self, _: Resp.Type = Resp.self,
    _ handler: @escaping @Sendable (Req, ServerContext) async throws -> Resp
  ) {
    registerUnary(method, deserializer: ProtoDeserializer<Req>(), serializer: ProtoSerializer<Resp>(), handler: handler)
  }

  /// Registers a server-streaming method.
  public func serverStreaming<Req: ProtoMessage, Resp: ProtoMessage>(
    _ method: MethodDescriptor, _: Req.Type = Req.self, _: Resp.Type = Resp.self,
    _ handler: @escaping @Sendable (Req, RPCWriter<Resp>, ServerContext) async throws -> Void
  ) {
    registerServerStreaming(method, deserializer: ProtoDeserializer<Req>(), serializer: ProtoSerializer<Resp>(), handler: handler)
  }

  /// Registers a bidirectional-streaming method.
  public func bidiStreaming<Req: ProtoMessage, Resp: ProtoMessage>(
    _ method: MethodDescriptor, _: Req.Type = Req.self, _: Resp.Type = Resp.self,
    _ handler: @escaping @Sendable (RPCAsyncSequence<Req>, RPCWriter<Resp>, ServerContext) async throws -> Void
  ) {
    registerBidiStreaming(method, deserializer: ProtoDeserializer<Req>(), serializer: ProtoSerializer<Resp>(), handler: handler)
  }
}
