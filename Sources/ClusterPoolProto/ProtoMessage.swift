/// A protobuf message: a generated value type that encodes and decodes through protobuf-c.
public protocol ProtoMessage: Sendable, Hashable {
  /// The full proto name, e.g. `cloudidl.common.ClusterPoolIdentifier`.
  static var protoMessageName: String { get }
  /// The message with every field at its default.
  init()
  /// Decodes the protobuf wire format. Throws ``ProtoDecodingError`` for malformed bytes, a
  /// string field holding a NUL byte or invalid UTF-8, or a message protobuf-c rejects.
  init(serializedBytes: UnsafeRawBufferPointer) throws
  /// Decodes bytes from an untrusted peer: as ``init(serializedBytes:)-(UnsafeRawBufferPointer)``,
  /// and also throws ``ProtoDecodingError`` with `limitExceeded` set when `limits` are passed.
  init(serializedBytes: UnsafeRawBufferPointer, limits: ProtoDecodeLimits) throws
  /// Encodes to the protobuf wire format. Throws ``ProtoEncodingError`` for a string holding a
  /// NUL byte (protobuf-c strings are NUL-terminated) or malformed ``ProtoUnknownFields``.
  func serializedBytes() throws -> [UInt8]
  /// The first enum field, in this message or any message in it (repeated and oneof fields
  /// included), holding a number its enum does not define; nil when there is none. Decoding
  /// keeps such numbers (proto3 enums are open); a server refuses them in requests.
  func undefinedEnumValue() -> ProtoUndefinedEnumValue?
}

extension ProtoMessage {
  /// Decodes the protobuf wire format; see ``init(serializedBytes:)-(UnsafeRawBufferPointer)``.
  public init(serializedBytes bytes: [UInt8]) throws {
    self = try bytes.withUnsafeBytes { try Self(serializedBytes: $0) }
  }
}

/// A proto3 enum: open, so numbers the schema does not know survive as `.unrecognized(n)`.
public protocol ProtoEnum: RawRepresentable, CaseIterable, Sendable, Hashable where RawValue == Int32 {
  /// The full proto name, e.g. `cloudidl.cluster.Status.Health`.
  static var protoEnumName: String { get }
  /// The value numbered 0.
  init()
  /// Never fails: an unknown number becomes `.unrecognized(n)`.
  init(rawValue: Int32)
  /// The value's name in the .proto file; nil for an unrecognized number.
  var protoName: String? { get }
}

extension ProtoEnum {
  /// Equal when the numbers are: `.unrecognized(1)` equals the case numbered 1.
  public static func == (lhs: Self, rhs: Self) -> Bool { lhs.rawValue == rhs.rawValue }
  public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
}

/// What generated message types implement on top of ``ProtoMessage``: copying a value out of an
/// unpacked protobuf-c struct, and into one being built.
protocol ProtoGeneratedMessage: ProtoMessage {
  /// This type's table (protoc-c descriptor, field offsets), looked up once.
  static var protoTable: ProtoTypeTable { get }
  init(protoReader: ProtoReader)
  func write(to writer: ProtoWriter) throws(ProtoEncodingError)
}
