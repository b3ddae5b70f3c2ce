internal import NIOCore
internal import NIOPosix
internal import Synchronization

#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Musl)
  internal import Musl
#elseif canImport(Darwin)
  internal import Darwin
#endif

/// Whole pages for the stream maps of one thread's server sessions, given back to the kernel
/// while their sessions have no stream.
///
/// nghttp2 1.52 allocates each session's stream map when the session is created, 256 buckets
/// of 16 bytes (`nghttp2_map_init`'s `calloc`), and keeps it until the session goes: 4 KiB of
/// an idle connection's 10 KiB of nghttp2. A bucket is zeroed when its stream leaves the map,
/// so the map of a session with no stream is 4,096 zero bytes. Given a page of its own (by
/// `SessionAllocations`), it can be given back with `madvise(MADV_DONTNEED)`: the page then
/// reads as zeros, exactly what it held, and costs no memory until the next stream writes to
/// it (the kernel maps a fresh zero page then).
///
/// `sweep()` runs every `sweepInterval` on the event loop of the thread the pages belong to,
/// the only thread that uses its sessions, and gives back the pages that are all zeros and
/// whose session received nothing since the last sweep (a connection calling more often than
/// that keeps its page). The zero check, not nghttp2's bookkeeping, decides: a page is given
/// back only when giving it back changes nothing it holds.
final class StreamTablePages: Sendable {
  /// The page size this works with; any other page size, and the sessions use `calloc`.
  static let pageSize = 4096
  /// How often the pages of a thread are looked at.
  static let sweepInterval = TimeAmount.seconds(2)

  /// A page handed out: where it is and its flags (`Flags`), which the session's thread sets
  /// when the session receives bytes.
  struct Page {
    let address: UnsafeMutableRawPointer
    let flags: UnsafeMutablePointer<UInt8>
    let slot: Int
  }

  /// A page's flags.
  enum Flags {
    /// Handed to a session.
    static let inUse: UInt8 = 1
    /// May hold memory (handed out, or written since it was given back).
    static let resident: UInt8 = 2
    /// Its session received bytes since the last sweep.
    static let busy: UInt8 = 4
  }

  private struct Chunk {
    let base: UnsafeMutableRawPointer
    let flags: UnsafeMutablePointer<UInt8>
  }

  private struct State {
    var chunks: [Chunk] = []
    var free: [Int] = []
    var released = 0
  }

  private let pagesPerChunk: Int
  private let state = Mutex(State())

  init(pagesPerChunk: Int = 256) {
    self.pagesPerChunk = pagesPerChunk
  }

  deinit {
    // Every session holding a page holds this object too: no page is in use here.
    let bytes = pagesPerChunk * Self.pageSize
    state.withLock { state in
      for chunk in state.chunks {
        munmap(chunk.base, bytes)
        chunk.flags.deallocate()
      }
    }
  }

  /// A zero-filled page for a session, or `nil` when no memory could be mapped.
  func take() -> Page? {
    state.withLock { state in
      if state.free.isEmpty, !addChunk(&state) { return nil }
      let slot = state.free.removeLast()
      let chunk = state.chunks[slot / pagesPerChunk]
      let index = slot % pagesPerChunk
      let page = Page(address: chunk.base + index * Self.pageSize, flags: chunk.flags + index, slot: slot)
      page.flags.pointee = Flags.inUse | Flags.resident | Flags.busy
      return page
    }
  }

  /// Takes back a page whose session freed it (from any thread): its memory goes at once.
  func give(_ page: Page) {
    state.withLock { state in
      madvise(page.address, Self.pageSize, MADV_DONTNEED)
      page.flags.pointee = 0
      state.free.append(page.slot)
    }
  }

  /// Gives back the pages of sessions that received nothing since the last sweep and whose
  /// pages hold only zeros; returns how many. Run on the thread of the pages' sessions.
  @discardableResult
  func sweep() -> Int {
    let pagesPerChunk = self.pagesPerChunk
    return state.withLock { state in
      var count = 0
      for chunk in state.chunks {
        var run: (start: Int, end: Int)?
        for index in 0..<pagesPerChunk {
          let flags = chunk.flags[index]
          let idle =
            flags & (Flags.inUse | Flags.resident | Flags.busy) == Flags.inUse | Flags.resident
            && Self.isZero(chunk.base + index * Self.pageSize)
          chunk.flags[index] = idle ? flags & ~(Flags.busy | Flags.resident) : flags & ~Flags.busy
          if idle {
            count += 1
            run = (run?.start ?? index, index + 1)
          } else if let current = run {
            Self.release(chunk, current)
            run = nil
          }
        }
        if let current = run { Self.release(chunk, current) }
      }
      state.released += count
      return count
    }
  }

  /// Pages given back by sweeps so far.
  var released: Int { state.withLock { $0.released } }

  /// Pages handed out and not given back since they were last written to.
  var residentCount: Int {
    let pagesPerChunk = self.pagesPerChunk
    let both = Flags.inUse | Flags.resident
    return state.withLock { state in
      state.chunks.reduce(0) { total, chunk in
        total + (0..<pagesPerChunk).count(where: { chunk.flags[$0] & both == both })
      }
    }
  }

  private static func release(_ chunk: Chunk, _ run: (start: Int, end: Int)) {
    madvise(chunk.base + run.start * pageSize, (run.end - run.start) * pageSize, MADV_DONTNEED)
  }

  private static func isZero(_ address: UnsafeMutableRawPointer) -> Bool {
    let words = UnsafeBufferPointer(start: address.assumingMemoryBound(to: UInt64.self), count: pageSize / 8)
    var index = 0
    while index < words.count {
      var any: UInt64 = 0
      for offset in index..<index + 16 { any |= words[offset] }
      if any != 0 { return false }
      index += 16
    }
    return true
  }

  private func addChunk(_ state: inout State) -> Bool {
    let bytes = pagesPerChunk * Self.pageSize
    let mapped = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
    guard let base = mapped, base != MAP_FAILED else { return false }
    #if os(Linux)
      madvise(base, bytes, MADV_NOHUGEPAGE)  // pages are given back one by one
    #endif
    let flags = UnsafeMutablePointer<UInt8>.allocate(capacity: pagesPerChunk)
    flags.initialize(repeating: 0, count: pagesPerChunk)
    let first = state.chunks.count * pagesPerChunk
    state.chunks.append(Chunk(base: base, flags: flags))
    state.free.append(contentsOf: (first..<first + pagesPerChunk).reversed())
    return true
  }
}

extension StreamTablePages {
  private static let perThread = ThreadSpecificVariable<StreamTablePages>()

  /// The pages of the current thread's sessions, swept on its event loop; `nil` off an event
  /// loop (nothing would sweep them) or where pages are not 4 KiB.
  static func current() -> StreamTablePages? {
    if let pages = perThread.currentValue { return pages }
    guard sysconf(Int32(_SC_PAGESIZE)) == pageSize, let loop = MultiThreadedEventLoopGroup.currentEventLoop else {
      return nil
    }
    let pages = StreamTablePages()
    perThread.currentValue = pages
    loop.scheduleRepeatedTask(initialDelay: sweepInterval, delay: sweepInterval) { _ in
      pages.sweep()
    }
    return pages
  }
}
