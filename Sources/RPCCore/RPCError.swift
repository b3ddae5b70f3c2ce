/// An RPC failure: a status code, a human-readable message and optional trailing metadata.
///
/// This is the one error type the transport converts to a wire status; handlers throw it to
/// choose the status their caller sees.
public struct RPCError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The status code sent in `grpc-status`.
  public var code: RPCStatusCode
  /// The message sent (percent-encoded) in `grpc-message`.
  public var message: String
  /// Extra trailers sent with the status.
  public var metadata: Metadata

  /// Creates an error with the given code, message and trailing metadata.
  public init(code: RPCStatusCode, message: String, metadata: Metadata = [:]) {
    self.code = code
    self.message = message
    self.metadata = metadata
  }

  public var description: String {
    message.isEmpty ? code.name : "\(code.name): \(message)"
  }
}

extension RPCError {
  /// The answer to a call of a method this server does not serve: `UNIMPLEMENTED` naming the path.
  public static func unknownMethod(_ path: some StringProtocol) -> RPCError {
    RPCError(code: .unimplemented, message: "unknown method \(path)")
  }
}
