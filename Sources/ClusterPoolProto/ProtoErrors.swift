/// Bytes that are not a valid encoding of the message type asked for.
public struct ProtoDecodingError: Error, Sendable, CustomStringConvertible {
  /// Full proto name of the message being decoded (the outermost one).
  public let messageName: String
  /// What is wrong, e.g. `field cloudidl.common.ClusterPoolIdentifier.name: string contains a NUL byte`.
  public let reason: String
  /// The bytes are well formed but decoding them would pass a ``ProtoDecodeLimits`` bound (too
  /// many values, or the ``ProtoDecodeBudget`` is spent): a size problem, not a malformed message.
  public let limitExceeded: Bool

  public init(messageName: String, reason: String, limitExceeded: Bool = false) {
    self.messageName = messageName
    self.reason = reason
    self.limitExceeded = limitExceeded
  }

  public var description: String { "cannot decode \(messageName): \(reason)" }
}

/// A value that protobuf-c cannot encode faithfully.
public struct ProtoEncodingError: Error, Sendable, CustomStringConvertible {
  /// Full proto name of the message (or sub-message) being encoded.
  public let messageName: String
  /// What is wrong, e.g. `field cloudidl.common.ClusterPoolIdentifier.name: string contains a NUL byte`.
  public let reason: String

  public init(messageName: String, reason: String) {
    self.messageName = messageName
    self.reason = reason
  }

  public var description: String { "cannot encode \(messageName): \(reason)" }
}
