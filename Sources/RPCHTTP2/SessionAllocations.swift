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
///
/// The one zero-filled allocation of a whole page made during creation (nghttp2 1.52's stream
/// map, 256 buckets of 16 bytes) gets a page of its thread's `StreamTablePages`, given back to
/// the kernel while the session has no stream. The session notes what it receives
/// (`noteActivity()`), so that a page in use is left alone.
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
  /// The page of the session's stream map, and the pages it came from.
  private(set) var tablePage: StreamTablePages.Page?
  private var pages: StreamTablePages?

  init() {}

  /// The session received bytes: its stream map's page is in use.
  func noteActivity() {
    guard let flags = tablePage?.flags else { return }
    flags.pointee |= StreamTablePages.Flags.busy | StreamTablePages.Flags.resident
  }

  mutating func allocate(_ size: Int) -> UnsafeMutableRawPointer? {
    if creating, shared == nil, size == Self.frameBufferLength {
      shared = SharedFrameBuffer.current()
      owner = pthread_self()
      return shared
    }
    return malloc(size)
  }

  mutating func allocateZeroed(_ count: Int, _ size: Int) -> UnsafeMutableRawPointer? {
    if creating, tablePage == nil, count.multipliedReportingOverflow(by: size) == (StreamTablePages.pageSize, false),
      let pages = StreamTablePages.current(), let page = pages.take()
    {
      self.pages = pages
      tablePage = page
      return page.address
    }
    return calloc(count, size)
  }

  mutating func release(_ pointer: UnsafeMutableRawPointer?) {
    guard let pointer, pointer != shared else { return }
    if let page = tablePage, pointer == page.address {
      pages?.give(page)
      tablePage = nil
      pages = nil
      return
    }
    free(pointer)
  }

  mutating func reallocate(_ pointer: UnsafeMutableRawPointer?, _ size: Int) -> UnsafeMutableRawPointer? {
    guard let pointer else { return allocate(size) }
    if tablePage?.address == pointer {  // never seen either: not malloc's
      guard let copy = malloc(size) else { return nil }
      copy.copyMemory(from: pointer, byteCount: min(size, StreamTablePages.pageSize))
      release(pointer)
      return copy
    }
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
