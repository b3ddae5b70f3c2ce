internal import NIOCore
internal import NIOPosix

/// The buffer an event loop's server connections serialize their frames into before writing
/// them (`ServerConnectionHandler.flushOutput`): one per thread, handed to one flush at a time.
///
/// A flush writes the buffer to the channel and NIO keeps a reference to it until the socket
/// took it, which for a small answer is during the flush itself. The next flush on the thread
/// then finds the buffer unshared and reuses its storage: an answer costs no allocation (each
/// flush allocated and freed a 16 KiB buffer, a malloc past glibc's thread cache). A buffer
/// still held by a write in flight (a slow reader) is left to it, and the flush gets a new
/// one, so nothing a write still reads is ever overwritten.
/// Stored properties are `@exclusivity(unchecked)`: the class lives on one event loop, and the
/// run-time check of each access (`swift_beginAccess`) cost pool Get 0.45 µs of ~5.9 with
/// the optimizations it blocked (README, Metrics and health).
final class LoopOutputBuffer: @unchecked Sendable {  // used by its own thread only
  /// The capacity a new buffer starts with.
  static let initialCapacity = 16 << 10

  @exclusivity(unchecked) private var buffer: ByteBuffer?
  private let allocator = ByteBufferAllocator()
  private static let perThread = ThreadSpecificVariable<LoopOutputBuffer>()

  private init() {}

  /// This thread's buffer holder, made on first use.
  static func current() -> LoopOutputBuffer {
    if let holder = perThread.currentValue { return holder }
    let holder = LoopOutputBuffer()
    perThread.currentValue = holder
    return holder
  }

  /// The buffer, empty, for one flush: its storage when nothing else holds it, else new
  /// storage (`ByteBuffer.clear` allocates when the storage is shared). Give it back with
  /// ``put(_:)``.
  func take() -> ByteBuffer {
    guard var out = buffer else { return allocator.buffer(capacity: Self.initialCapacity) }
    buffer = nil  // the flush's copy and a write in flight are then its only references
    out.clear(minimumCapacity: Self.initialCapacity)
    return out
  }

  /// Keeps `out` (written or not) for the thread's next flush.
  func put(_ out: ByteBuffer) {
    buffer = out
  }
}
