internal import NIOPosix

#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Musl)
  internal import Musl
#elseif canImport(Darwin)
  internal import Darwin
#endif

/// The allocations of one server session, whose frame buffer is shared by every server
/// session of its thread.
///
/// nghttp2 serializes each outgoing frame into a buffer of its session, allocated when the
/// session is created (16 KiB + 10 bytes) and kept until it goes: on an idle connection the
/// largest part of what the session holds. A frame is serialized and handed out by the same
/// `nghttp2_session_mem_send` call, and `NGHTTP2Session.pullOutput` copies it out before
/// calling again, so between two calls the buffer holds nothing anyone reads: the sessions of
/// one thread (an event loop's connections, which only ever run there) can take turns on one
/// buffer. The allocator gives the session being created that thread's buffer for the one
/// allocation of that size nghttp2 makes during creation, and never frees it; every other
/// allocation (more chunks for a header block over 16 KiB, anything after creation) is
/// `malloc`'s. An nghttp2 that allocates differently just gets `malloc` for everything.
struct SessionAllocations {
  /// The size of nghttp2's frame buffer chunk (`NGHTTP2_FRAMEBUF_CHUNKLEN`: a frame header,
  /// a padding byte and the largest payload of the default frame size).
  static let frameBufferLength = 9 + 1 + 16_384

  /// Whether the session is being created (the frame buffer is claimed then only).
  var creating = true
  /// The thread's shared buffer, once the session has it.
  private(set) var shared: UnsafeMutableRawPointer?
  /// The thread the shared buffer belongs to (checked in debug builds).
  private(set) var owner: pthread_t?

  init() {}

  mutating func allocate(_ size: Int) -> UnsafeMutableRawPointer? {
    if creating, shared == nil, size == Self.frameBufferLength {
      shared = SharedFrameBuffer.current()
      owner = pthread_self()
      return shared
    }
    return malloc(size)
  }

  func allocateZeroed(_ count: Int, _ size: Int) -> UnsafeMutableRawPointer? {
    calloc(count, size)
  }

  func release(_ pointer: UnsafeMutableRawPointer?) {
    guard let pointer, pointer != shared else { return }
    free(pointer)
  }

  mutating func reallocate(_ pointer: UnsafeMutableRawPointer?, _ size: Int) -> UnsafeMutableRawPointer? {
    guard let pointer else { return allocate(size) }
    guard pointer == shared else { return realloc(pointer, size) }
    // Never seen: nghttp2 resizes its frame buffer by freeing it and allocating anew. The
    // session then gets a buffer of its own.
    guard let copy = malloc(size) else { return nil }
    copy.copyMemory(from: pointer, byteCount: min(size, Self.frameBufferLength))
    shared = nil
    return copy
  }

  /// Whether the session may serialize frames on this thread (its buffer is this thread's).
  var onOwningThread: Bool {
    guard let owner else { return true }
    return pthread_equal(owner, pthread_self()) != 0
  }
}

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
