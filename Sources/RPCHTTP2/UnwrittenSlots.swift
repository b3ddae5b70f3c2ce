internal import Synchronization

#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Musl)
  internal import Musl
#elseif canImport(Darwin)
  internal import Darwin
#endif

/// Slots of 1 KiB in mapped memory for allocations nobody writes to: a page of them costs
/// nothing until one of its slots is written.
///
/// A server session's HPACK encoder keeps no dynamic table (`NGHTTP2Session` sets its size to
/// 0), yet nghttp2 1.52 still allocates the table's ring of entries, 128 pointers, when the
/// session is created, and never writes to it: no entry is ever added. From `malloc` that is
/// 1 KiB of every idle connection, among live allocations; from here it is untouched memory.
/// Should a slot be written after all, its page holds memory as densely as `malloc` would.
final class UnwrittenSlots: Sendable {
  static let slotSize = 1024
  /// The process's slots (taken and given back once per connection, on any thread).
  static let shared = UnwrittenSlots()

  private struct State {
    /// Addresses of the free slots.
    var free: [UInt] = []
  }

  private let slotsPerChunk: Int
  private let state = Mutex(State())

  init(slotsPerChunk: Int = 1024) {
    self.slotsPerChunk = slotsPerChunk
  }

  // Chunks are never unmapped: a slot may be in use until its session goes, and the shared
  // instance lives as long as the process.

  /// A slot of `slotSize` bytes (uninitialized, as `malloc`'s), or `nil` when no memory could
  /// be mapped.
  func take() -> UnsafeMutableRawPointer? {
    let slotsPerChunk = self.slotsPerChunk
    let address = state.withLock { state -> UInt in
      if state.free.isEmpty {
        let bytes = slotsPerChunk * Self.slotSize
        let mapped = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        guard let base = mapped, base != MAP_FAILED else { return 0 }
        let start = UInt(bitPattern: base)
        state.free = (0..<UInt(slotsPerChunk)).reversed().map { start + $0 * UInt(Self.slotSize) }
      }
      return state.free.removeLast()
    }
    return UnsafeMutableRawPointer(bitPattern: address)
  }

  /// Takes back a slot.
  func give(_ slot: UnsafeMutableRawPointer) {
    let address = UInt(bitPattern: slot)
    state.withLock { $0.free.append(address) }
  }
}
