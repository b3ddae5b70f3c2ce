/// Sends the messages of one side of a streaming call.
///
/// `write` is backpressured: it suspends while the stream's unsent output is above the
/// transport's bound, and throws once the call is cancelled or closed.
public struct RPCWriter<Message: Sendable>: Sendable {
  private let writeMessage: @Sendable (Message) async throws -> Void

  /// Creates a writer that hands each message to `write`.
  public init(_ write: @escaping @Sendable (Message) async throws -> Void) {
    self.writeMessage = write
  }

  /// Sends one message, suspending while the stream is backed up.
  public func write(_ message: Message) async throws {
    try await writeMessage(message)
  }

  /// Sends each message in order.
  public func write(contentsOf messages: some Sequence<Message>) async throws {
    for message in messages { try await write(message) }
  }

  /// A writer of `Other` that maps each message to `Message` first.
  package func map<Other: Sendable>(
    _ transform: @escaping @Sendable (Other) throws -> Message
  ) -> RPCWriter<Other> {
    RPCWriter<Other> { try await self.write(transform($0)) }
  }
}
