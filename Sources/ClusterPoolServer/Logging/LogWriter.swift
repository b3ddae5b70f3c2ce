internal import Dispatch
internal import Synchronization

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Writes the server's log lines to a file descriptor (standard error) off the calling
/// thread: a line is appended to a buffer under a lock and the buffer is written by a
/// background queue, many lines per `write(2)`. An event loop that logs (the access log's
/// line per call) never waits for the terminal or a full pipe. Past `limit` bytes waiting,
/// lines are dropped and counted, and the count is written once there is room again.
public final class LogWriter: Sendable {
  private struct Pending {
    var bytes: [UInt8] = []
    var scheduled = false
    var dropped = 0
  }

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
    let schedule = pending.withLock { pending -> Bool in
      guard pending.bytes.count + line.utf8.count <= limit else {
        pending.dropped += 1
        return false
      }
      pending.bytes.append(contentsOf: line.utf8)
      guard !pending.scheduled else { return false }
      pending.scheduled = true
      return true
    }
    if schedule { queue.async { self.drain() } }
  }

  /// Writes everything queued so far before returning (at exit).
  public func flush() {
    queue.sync { self.drain() }
  }

  private func drain() {
    while true {
      let (bytes, dropped) = pending.withLock { pending -> ([UInt8], Int) in
        guard !pending.bytes.isEmpty || pending.dropped > 0 else {
          pending.scheduled = false
          return ([], 0)
        }
        let taken = (pending.bytes, pending.dropped)
        pending.bytes = []
        pending.dropped = 0
        return taken
      }
      guard !bytes.isEmpty || dropped > 0 else { return }
      writeAll(bytes)
      if dropped > 0 {
        writeAll(Array("clusterpool-server: \(dropped) log lines dropped: standard error was not read fast enough\n".utf8))
      }
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
