internal import Synchronization

/// The memory that decodes in flight may take together, across every thread of the process.
///
/// Each decode under ``ProtoDecodeLimits`` reserves its estimated cost (its bytes three times:
/// the input, protobuf-c's copy of the strings and Swift's, plus ~200 bytes per field value)
/// before unpacking and returns it when done; a decode that does not fit while others run is
/// refused (``ProtoDecodingError/limitExceeded``) rather than waited for, since decoding never
/// suspends. A decode alone is always admitted, whatever its size. Decodes estimated below
/// `smallestAccounted` are not counted (no shared atomic on the hot path of small requests; a
/// thread decodes one message at a time, so together they stay small).
public final class ProtoDecodeBudget: Sendable, Hashable {
  /// The total, in bytes.
  public let capacity: Int
  /// Decodes estimated to cost less are admitted without being counted.
  public let smallestAccounted: Int
  private let inUse = Atomic<Int>(0)

  public init(capacity: Int, smallestAccounted: Int = 256 << 10) {
    self.capacity = capacity
    self.smallestAccounted = smallestAccounted
  }

  /// 48 MiB: three maximal (4 MiB, 10,000-value) requests at once.
  public static let shared = ProtoDecodeBudget(capacity: 48 << 20)

  /// Bytes reserved by decodes running now.
  public var bytesInUse: Int { inUse.load(ordering: .relaxed) }

  /// What decoding `byteCount` bytes holding `fieldValues` values is estimated to take.
  static func cost(byteCount: Int, fieldValues: Int) -> Int {
    3 * byteCount + 200 * fieldValues
  }

  /// Reserves `cost` bytes; false when that would pass the capacity while other decodes run.
  func reserve(_ cost: Int) -> Bool {
    var current = inUse.load(ordering: .relaxed)
    while true {
      if current > 0 && current + cost > capacity { return false }
      let (exchanged, original) = inUse.compareExchange(
        expected: current, desired: current + cost, ordering: .acquiringAndReleasing)
      if exchanged { return true }
      current = original
    }
  }

  func release(_ cost: Int) {
    inUse.subtract(cost, ordering: .acquiringAndReleasing)
  }

  public static func == (lhs: ProtoDecodeBudget, rhs: ProtoDecodeBudget) -> Bool { lhs === rhs }
  public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}
