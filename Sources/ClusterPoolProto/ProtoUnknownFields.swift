/// Fields of an encoded message that its schema does not know, kept in wire format (each field's
/// tag followed by its value, in the order received) so that re-encoding writes them back.
public struct ProtoUnknownFields: Sendable, Hashable {
  /// The fields in protobuf wire format.
  public var bytes: [UInt8]

  public init() { bytes = [] }

  /// `bytes` must be whole fields in wire format, or encoding the message throws.
  public init(bytes: [UInt8]) { self.bytes = bytes }

  public var isEmpty: Bool { bytes.isEmpty }
}
