internal import NIOPosix

#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Musl)
  internal import Musl
#elseif canImport(Darwin)
  internal import Darwin
#endif

/// One frame buffer per thread for the server sessions created on it (`SessionAllocations`),
/// freed when the thread ends (an event loop's, after its connections closed).
enum SharedFrameBuffer {
  private final class Buffer: @unchecked Sendable {  // used by its own thread only
    let bytes = UnsafeMutableRawPointer.allocate(
      byteCount: SessionAllocations.frameBufferLength, alignment: 16)
    /// A session of the thread is pulling output (debug builds' check).
    var inUse = false

    deinit { bytes.deallocate() }
  }

  private static let perThread = ThreadSpecificVariable<Buffer>()

  /// This thread's buffer, made on first use.
  static func current() -> UnsafeMutableRawPointer { buffer().bytes }

  private static func buffer() -> Buffer {
    if let buffer = perThread.currentValue { return buffer }
    let buffer = Buffer()
    perThread.currentValue = buffer
    return buffer
  }

  /// Marks the thread's buffer in use by a session pulling output; false when another session
  /// of the thread already is (a callback of one session drove another's output, which could
  /// overwrite a frame before it is copied out). For debug builds' assertions.
  static func enter() -> Bool {
    let buffer = buffer()
    defer { buffer.inUse = true }
    return !buffer.inUse
  }

  /// Ends `enter()`; always true (for assertions).
  static func leave() -> Bool {
    buffer().inUse = false
    return true
  }
}
