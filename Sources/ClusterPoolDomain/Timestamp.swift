/// A point in wall-clock time, in nanoseconds since the Unix epoch. The domain never reads a
/// clock: callers pass the time of a change in.
public struct Timestamp: Sendable, Hashable, Comparable {
  /// Nanoseconds since 1970-01-01T00:00:00Z.
  public var nanosecondsSinceEpoch: Int64

  public init(nanosecondsSinceEpoch: Int64) {
    self.nanosecondsSinceEpoch = nanosecondsSinceEpoch
  }

  /// Whole seconds since the epoch (floor).
  public var seconds: Int64 { nanosecondsSinceEpoch >= 0 ? nanosecondsSinceEpoch / 1_000_000_000 : (nanosecondsSinceEpoch - 999_999_999) / 1_000_000_000 }
  /// The nanoseconds past ``seconds`` (0..<1e9).
  public var nanos: Int32 { Int32(nanosecondsSinceEpoch - seconds * 1_000_000_000) }

  public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.nanosecondsSinceEpoch < rhs.nanosecondsSinceEpoch }
}
