internal import Dispatch
internal import Synchronization

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Writes the server's log lines to a file descriptor (standard error) off the calling
/// thread: a line is appended to a buffer under a lock and the buffer is written by a
/// background queue, many lines per `write(2)`: the first line queued schedules a write
/// ``batchDelay`` later, so a busy server pays one wake-up and one system call per batch,
/// not per line. An event loop that logs (the access log's line per call) never waits for
/// the terminal or a full pipe. Past `limit` bytes waiting, lines are dropped and counted,
/// and the count is written once there is room again.
public final class LogWriter: Sendable {
  private struct Pending {
    var bytes: [UInt8] = []
    /// The buffer last written, emptied: the next batch reuses its capacity.
    var spare: [UInt8] = []
    var scheduled = false
    var dropped = 0
  }

  /// A thread's line being made, reused line after line: a line is formatted before the
  /// writer's lock is taken (two event loops never wait on each other's formatting), and its
  /// per-second timestamps are the thread's.
  private final class Scratch {
    var line = LogLine()
  }

  private static let scratchKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key) { pointer in
      guard let pointer = pointer as UnsafeMutableRawPointer? else { return }
      Unmanaged<Scratch>.fromOpaque(pointer).release()
    }
    return key
  }()

  /// This thread's scratch line, made on its first line.
  private static func scratch() -> Scratch {
    if let made = pthread_getspecific(scratchKey) { return Unmanaged<Scratch>.fromOpaque(made).takeUnretainedValue() }
    let made = Scratch()
    pthread_setspecific(scratchKey, Unmanaged.passRetained(made).toOpaque())
    return made
  }

  /// How long after the first line of a batch it is written.
  static let batchDelay = DispatchTimeInterval.milliseconds(5)
  /// The largest buffer kept for reuse once written.
  private static let spareLimit = 1 << 20

  private let descriptor: Int32
  private let limit: Int
  private let pending = Mutex(Pending())
  private let queue = DispatchQueue(label: "clusterpool.log-writer")

  /// The server's standard error.
  public static let standardError = LogWriter(descriptor: 2)

  /// A writer to `descriptor`, holding at most `limit` bytes not yet written.
  public init(descriptor: Int32, limit: Int = 8 << 20) {
    self.descriptor = descriptor
    self.limit = limit
  }

  /// Queues one line (its newline included) to be written soon.
  public func write(_ line: String) {
    writeLine { $0.append(line) }
  }

  /// Queues the line `format` appends (its newline included) to an empty ``LogLine`` (the
  /// calling thread's, reused), then copied to the queue under the writer's lock. A line that
  /// would take the queue past its limit is dropped and counted.
  func writeLine(_ format: (inout LogLine) -> Void) {
    let scratch = Self.scratch()
    scratch.line.removeAll()
    format(&scratch.line)
    let schedule = scratch.line.withBytes { line in
      pending.withLock { pending -> Bool in
        guard pending.bytes.count + line.count <= limit else {
          pending.dropped += 1
          return false
        }
        pending.bytes.append(contentsOf: line)
        guard !pending.scheduled else { return false }
        pending.scheduled = true
        return true
      }
    }
    if schedule { queue.asyncAfter(deadline: .now() + Self.batchDelay) { self.drain() } }
  }

  /// Writes everything queued so far before returning (at exit).
  public func flush() {
    queue.sync { self.drain() }
  }

  /// Writes what is queued: one `write(2)` for the whole batch.
  private func drain() {
    var (bytes, dropped) = pending.withLock { pending -> ([UInt8], Int) in
      pending.scheduled = false
      let taken = (pending.bytes, pending.dropped)
      swap(&pending.bytes, &pending.spare)
      pending.spare = []
      pending.dropped = 0
      return taken
    }
    guard !bytes.isEmpty || dropped > 0 else { return }
    writeAll(bytes)
    if dropped > 0 {
      writeAll(Array("clusterpool-server: \(dropped) log lines dropped: standard error was not read fast enough\n".utf8))
    }
    guard bytes.capacity <= Self.spareLimit else { return }
    bytes.removeAll(keepingCapacity: true)
    pending.withLock { pending in
      if pending.spare.capacity < bytes.capacity { pending.spare = bytes }
    }
  }

  private func writeAll(_ bytes: [UInt8]) {
    bytes.withUnsafeBytes { raw in
      var offset = 0
      while offset < raw.count {
        let written = systemWrite(descriptor, raw.baseAddress! + offset, raw.count - offset)
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
}

#if canImport(Glibc)
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
#endif
