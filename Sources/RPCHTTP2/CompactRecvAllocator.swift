internal import NIOCore

/// Sizes the receive buffers of the server's connections in 4 bytes, which a channel holds
/// in place.
///
/// A channel keeps its receive allocator as an existential, which stores up to 24 bytes in
/// place and anything larger in a heap box; NIO's `AdaptiveRecvByteBufferAllocator` is 41
/// bytes, and the first read of each connection changes it, so each connection copied the
/// shared box into one of its own (64 bytes, kept for the life of the connection).
///
/// Sizes are powers of two between the minimum and the maximum, starting at the initial one.
/// A read that fills the buffer makes the next one twice as large (and says the buffer may
/// grow); two reads in a row that fill at most half of it make it half as large. The buffer a
/// channel keeps between reads (NIO reuses it) grows to the next size and does not shrink.
struct CompactRecvAllocator: RecvByteBufferAllocator {
  private let minimumShift: UInt8
  private let maximumShift: UInt8
  private var shift: UInt8
  private var shrinkAfterNext = false

  /// Sizes rounded to powers of two: `minimum` and `initial` down, `maximum` up, each at most 1 GiB.
  init(minimum: Int, initial: Int, maximum: Int) {
    precondition(0 < minimum && minimum <= initial && initial <= maximum, "0 < minimum <= initial <= maximum")
    let cap = 30  // 1 GiB
    minimumShift = UInt8(min(Self.log2(minimum), cap))
    shift = UInt8(min(Self.log2(initial), cap))
    maximumShift = UInt8(min(Self.log2(maximum - 1) + 1, cap))
  }

  /// The size of the next receive buffer.
  var size: Int { 1 << Int(shift) }

  func buffer(allocator: ByteBufferAllocator) -> ByteBuffer {
    allocator.buffer(capacity: size)
  }

  func nextBufferSize() -> Int? { size }

  mutating func record(actualReadBytes: Int) -> Bool {
    if actualReadBytes >= size, shift < maximumShift {
      shift += 1
      shrinkAfterNext = false
      return true
    }
    if actualReadBytes <= size / 2, shift > minimumShift {
      if shrinkAfterNext { shift -= 1 }
      shrinkAfterNext.toggle()
    } else {
      shrinkAfterNext = false
    }
    return false
  }

  /// The exponent of the largest power of two not above `value` (positive).
  private static func log2(_ value: Int) -> Int { Int.bitWidth - 1 - value.leadingZeroBitCount }
}
