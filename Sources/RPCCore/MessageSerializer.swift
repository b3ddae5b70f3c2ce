public import NIOCore

/// Turns messages into bytes. The transport never sees message types, only these.
public protocol MessageSerializer<Message>: Sendable {
  associatedtype Message
  /// Appends the encoded message to `buffer`.
  func serialize(_ message: Message, into buffer: inout ByteBuffer) throws
}

/// Turns bytes back into messages. Throwing a non-`RPCError` yields `INVALID_ARGUMENT`
/// on the server and `INTERNAL` on the client.
public protocol MessageDeserializer<Message>: Sendable {
  associatedtype Message
  /// Decodes one whole message.
  func deserialize(_ buffer: ByteBuffer) throws -> Message
  /// Decodes one whole request on a server: what `deserialize` does, and also refuses what a
  /// server must not take from a peer (for protobuf: undefined enum values, values past
  /// `ProtoDecodeLimits`). Every registered method's requests go through it (`decodeRequest`).
  func deserializeRequest(_ buffer: ByteBuffer) throws -> Message
}

extension MessageDeserializer {
  /// By default a request is decoded like any message.
  public func deserializeRequest(_ buffer: ByteBuffer) throws -> Message {
    try deserialize(buffer)
  }
}
