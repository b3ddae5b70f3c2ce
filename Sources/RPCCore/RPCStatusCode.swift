/// A gRPC status code. Extensible: any integer is representable, the named ones are the
/// seventeen codes of the gRPC specification.
public struct RPCStatusCode: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
  /// The numeric code as sent in `grpc-status`.
  public var rawValue: Int

  /// Creates a code from its number; unknown numbers are kept as they are.
  public init(rawValue: Int) { self.rawValue = rawValue }

  public static let ok = RPCStatusCode(rawValue: 0)
  public static let cancelled = RPCStatusCode(rawValue: 1)
  public static let unknown = RPCStatusCode(rawValue: 2)
  public static let invalidArgument = RPCStatusCode(rawValue: 3)
  public static let deadlineExceeded = RPCStatusCode(rawValue: 4)
  public static let notFound = RPCStatusCode(rawValue: 5)
  public static let alreadyExists = RPCStatusCode(rawValue: 6)
  public static let permissionDenied = RPCStatusCode(rawValue: 7)
  public static let resourceExhausted = RPCStatusCode(rawValue: 8)
  public static let failedPrecondition = RPCStatusCode(rawValue: 9)
  public static let aborted = RPCStatusCode(rawValue: 10)
  public static let outOfRange = RPCStatusCode(rawValue: 11)
  public static let unimplemented = RPCStatusCode(rawValue: 12)
  public static let internalError = RPCStatusCode(rawValue: 13)
  public static let unavailable = RPCStatusCode(rawValue: 14)
  public static let dataLoss = RPCStatusCode(rawValue: 15)
  public static let unauthenticated = RPCStatusCode(rawValue: 16)

  private static let names = [
    "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
    "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
    "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
    "UNAUTHENTICATED",
  ]

  /// The canonical upper-case name, e.g. `"NOT_FOUND"`; `"CODE_<n>"` for unknown numbers.
  public var name: String {
    Self.names.indices.contains(rawValue) ? Self.names[rawValue] : "CODE_\(rawValue)"
  }

  /// The code whose canonical name is `name` (upper-case, as `name` returns it).
  public init?(name: String) {
    guard let index = Self.names.firstIndex(of: name) else { return nil }
    self.rawValue = index
  }

  public var description: String { name }
}
