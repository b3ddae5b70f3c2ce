internal import Synchronization

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// A block of `width` counters per thread that adds to them: each thread adds to its own
/// block, found through a thread-specific key, with a plain load and store (no lock, no
/// read-modify-write instruction, no cache line shared with another thread), and ``sum(_:)``
/// adds up every thread's block when asked (at a scrape). The counters are relaxed atomics, so
/// a reader on another thread sees each one whole, possibly a few additions behind.
///
/// A block outlives its thread (what it counted stays counted) and is freed with the set.
final class ThreadCounters: @unchecked Sendable {
  typealias Cell = Atomic<UInt64>

  /// How many counters each thread has.
  let width: Int
  private let key: pthread_key_t
  /// Every thread's block, added to when a thread counts for the first time (under `lock`).
  private var blocks: [UnsafeMutablePointer<Cell>] = []
  private let lock = PthreadLock()

  init(width: Int) {
    self.width = width
    var key = pthread_key_t()
    pthread_key_create(&key, nil)
    self.key = key
  }

  deinit {
    pthread_key_delete(key)
    for block in blocks {
      block.deinitialize(count: width)
      block.deallocate()
    }
  }

  /// The calling thread's block.
  @inline(__always)
  func block() -> UnsafeMutablePointer<Cell> {
    if let raw = pthread_getspecific(key) { return raw.assumingMemoryBound(to: Cell.self) }
    return makeBlock()
  }

  private func makeBlock() -> UnsafeMutablePointer<Cell> {
    let block = UnsafeMutablePointer<Cell>.allocate(capacity: width)
    for index in 0..<width { (block + index).initialize(to: Cell(0)) }
    lock.lock()
    blocks.append(block)
    lock.unlock()
    pthread_setspecific(key, UnsafeRawPointer(block))
    return block
  }

  /// Adds `amount` to counter `index` of the calling thread's `block` (only its thread writes it).
  @inline(__always)
  static func add(_ amount: UInt64, at index: Int, of block: UnsafeMutablePointer<Cell>) {
    block[index].store(block[index].load(ordering: .relaxed) &+ amount, ordering: .relaxed)
  }

  /// Every thread's counters `range` added up, in order.
  func sum(_ range: Range<Int>) -> [UInt64] {
    var totals = [UInt64](repeating: 0, count: range.count)
    lock.lock()
    for block in blocks {
      for index in range { totals[index - range.lowerBound] &+= block[index].load(ordering: .relaxed) }
    }
    lock.unlock()
    return totals
  }
}
