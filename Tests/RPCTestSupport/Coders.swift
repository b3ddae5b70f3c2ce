public import NIOCore
public import RPCCore

/// A UTF-8 string message: the test-only message type.
public struct UTF8Coder: MessageSerializer, MessageDeserializer {
  public struct BadUTF8: Error {}

  public init() {}

  public func serialize(_ message: String, into buffer: inout ByteBuffer) { buffer.writeString(message) }

  public func deserialize(_ buffer: ByteBuffer) throws -> String {
    guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
      throw BadUTF8()
    }
    return text
  }
}

/// Raw bytes as the message, to send what a String cannot hold.
public struct BytesCoder: MessageSerializer, MessageDeserializer {
  public init() {}
  public func serialize(_ message: [UInt8], into buffer: inout ByteBuffer) { buffer.writeBytes(message) }
  public func deserialize(_ buffer: ByteBuffer) throws -> [UInt8] { Array(buffer.readableBytesView) }
}
