internal import Dispatch

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Writes the server's log lines to a file descriptor (standard error) off the calling
/// thread: a line is made in the pending batch under a lock and the batch is written by the
/// writer's own thread, many lines per `write(2)`: the first line of a batch wakes it, it
/// waits ``batchDelayMilliseconds``, writes what came meanwhile and, while lines keep coming,
/// writes again every ``batchDelayMilliseconds`` without being woken; with nothing to write
/// it sleeps until the next line. A busy server pays one wake-up and one system call per
/// batch, not per line, and no timer (a Dispatch `asyncAfter` per batch woke Dispatch's timer
/// thread, then a worker). An event loop that logs (the access log's line per call) never
/// waits for the terminal or a full pipe. Past `limit` bytes waiting, lines are dropped and
/// counted, and the count is written once there is room again.
public final class LogWriter: @unchecked Sendable {
  private struct Pending: ~Copyable {
    /// The batch: lines are made at its end, in place (no line buffer copied into it).
    var batch = LogLine()
    /// Whether the writer's thread waits for a line (the next line wakes it).
    var idle = true
    /// Whether the writer's thread was started (on the first line).
    var started = false
    var dropped = 0
  }

  /// Under `lock`. It and `out` are in memory of their own, read and written through pointers:
  /// a class's stored properties are checked for exclusive access at run time, each access
  /// (~60 of ~8,000 samples under pool Gets, perf).
  private let pending: UnsafeMutablePointer<Pending>
  private let lock = PthreadLock()

  /// The batch being written, swapped with the pending one, under `writing`: held while a
  /// batch is taken and written (by the writer's thread, or by ``flush()``), so that batches
  /// stay in order.
  private let out: UnsafeMutablePointer<LogLine>
  private let writing = PthreadLock()

  /// Wakes the writer's thread for a batch's first line.
  private let wake = DispatchSemaphore(value: 0)
  private let descriptor: Int32
  private let limit: Int

  /// How long after the first line of a batch it is written (milliseconds).
  static let batchDelayMilliseconds = 5
  /// The largest batch buffer kept for reuse once written.
  private static let spareLimit = 1 << 20

  /// The server's standard error.
  public static let standardError = LogWriter(descriptor: 2)

  /// A writer to `descriptor`, holding at most `limit` bytes not yet written.
  public init(descriptor: Int32, limit: Int = 8 << 20) {
    self.descriptor = descriptor
    self.limit = limit
    pending = .allocate(capacity: 1)
    pending.initialize(to: Pending())
    out = .allocate(capacity: 1)
    out.initialize(to: LogLine())
  }

  deinit {
    pending.deinitialize(count: 1)
    pending.deallocate()
    out.deinitialize(count: 1)
    out.deallocate()
  }

  /// Queues one line (its newline included) to be written soon.
  public func write(_ line: String) {
    writeLine { $0.append(line) }
  }

  /// Queues the line `format` appends (its newline included) at the end of the pending batch,
  /// under the writer's lock (formatting is a few hundred nanoseconds: event loops seldom
  /// meet there, and a line made apart was copied into the batch). A line that takes the
  /// batch past its limit is taken back, dropped and counted.
  func writeLine(_ format: (inout LogLine) -> Void) {
    writeLine(()) { _, line in format(&line) }
  }

  /// Queues the line `format` makes of `value` (passed to it borrowed, where a closure
  /// capturing it would copy it), as ``writeLine(_:)`` does.
  func writeLine<Value>(_ value: borrowing Value, _ format: (borrowing Value, inout LogLine) -> Void) {
    lock.lock()
    let mark = pending.pointee.batch.count
    format(value, &pending.pointee.batch)
    guard pending.pointee.batch.count <= limit else {
      pending.pointee.batch.removeLast(pending.pointee.batch.count - mark)
      pending.pointee.dropped += 1
      lock.unlock()
      return
    }
    guard pending.pointee.idle else { return lock.unlock() }
    pending.pointee.idle = false
    let start = !pending.pointee.started
    pending.pointee.started = true
    lock.unlock()
    if start { startThread() }
    wake.signal()
  }

  /// Writes everything queued so far before returning (at exit).
  public func flush() {
    writeBatch()
  }

  /// The writer's thread: waits for a batch's first line, then writes a batch every
  /// ``batchDelayMilliseconds`` until one finds nothing to write.
  private func run() -> Never {
    while true {
      wake.wait()
      repeat {
        usleep(useconds_t(Self.batchDelayMilliseconds * 1000))
      } while writeBatch()
    }
  }

  /// Writes what is queued, one `write(2)` for the whole batch; false (and the thread marked
  /// idle, for the next line to wake it) when there was nothing.
  @discardableResult
  private func writeBatch() -> Bool {
    writing.lock()
    defer { writing.unlock() }
    lock.lock()
    let lost = pending.pointee.dropped
    guard pending.pointee.batch.count > 0 || lost > 0 else {
      pending.pointee.idle = true
      lock.unlock()
      return false
    }
    swap(&pending.pointee.batch, &out.pointee)
    pending.pointee.dropped = 0
    lock.unlock()
    out.pointee.withBytes { writeAll(UnsafeRawBufferPointer($0)) }
    if lost > 0 {
      let notice = Array("clusterpool-server: \(lost) log lines dropped: standard error was not read fast enough\n".utf8)
      notice.withUnsafeBytes { writeAll($0) }
    }
    if out.pointee.reserved > Self.spareLimit {
      out.pointee = LogLine()
    } else {
      out.pointee.removeAll()
    }
    return true
  }

  /// Starts the writer's thread (it lives as long as the process).
  private func startThread() {
    var thread = pthread_t()
    let context = Unmanaged.passRetained(self).toOpaque()
    let made = pthread_create(&thread, nil, { context in
      let writer = Unmanaged<LogWriter>.fromOpaque(context!).takeRetainedValue()
      writer.run()
    }, context)
    if made == 0 {
      pthread_detach(thread)
      return
    }
    // no thread: this batch is written now, and the next line tries again
    Unmanaged<LogWriter>.fromOpaque(context).release()
    writeBatch()
    lock.lock()
    pending.pointee.started = false
    pending.pointee.idle = true
    lock.unlock()
  }

  private func writeAll(_ raw: UnsafeRawBufferPointer) {
    guard let base = raw.baseAddress else { return }
    var offset = 0
    while offset < raw.count {
      let written = systemWrite(descriptor, base + offset, raw.count - offset)
      if written > 0 {
        offset += written
      } else if written < 0, errno == EINTR {
        continue
      } else {
        return  // nowhere to write: the lines are lost, as with a closed stderr
      }
    }
  }
}

#if canImport(Glibc)
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
#endif
