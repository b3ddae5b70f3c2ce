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
}
