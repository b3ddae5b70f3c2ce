internal import Foundation

/// A dedicated thread that owns the SQLite connection and runs queued jobs in order, many
/// at a time (group commit). Blocking SQLite calls never run on an event loop or the Swift
/// cooperative pool: callers enqueue and suspend on a continuation.
final class WriterThread<Job: Sendable>: @unchecked Sendable {
  private let condition = NSCondition()
  private var pending: [Job] = []  // guarded by `condition`
  private var closing = false  // guarded by `condition`
  private var finished = false  // guarded by `condition`
  private let maxBatch: Int

  /// Starts the thread; `drain` runs on it with each batch of jobs, `stop` once at the end.
  init(name: String, maxBatch: Int, drain: @escaping @Sendable ([Job]) -> Void, stop: @escaping @Sendable () -> Void) {
    self.maxBatch = maxBatch
    let thread = Thread { [self] in
      while let batch = nextBatch() { drain(batch) }
      stop()
      condition.lock()
      finished = true
      condition.broadcast()
      condition.unlock()
    }
    thread.name = name
    thread.start()
  }

  /// Queues `job`; false when the thread is closing (the job will never run).
  func enqueue(_ job: Job) -> Bool {
    condition.lock()
    defer { condition.unlock() }
    guard !closing else { return false }
    pending.append(job)
    condition.signal()
    return true
  }

  /// Stops taking jobs; the thread runs the queued ones and ends. Does not wait.
  func requestClose() {
    condition.lock()
    closing = true
    condition.broadcast()
    condition.unlock()
  }

  /// Stops taking jobs, runs the queued ones, and returns when the thread has ended.
  func close() {
    condition.lock()
    closing = true
    condition.broadcast()
    while !finished { condition.wait() }
    condition.unlock()
  }

  private func nextBatch() -> [Job]? {
    condition.lock()
    defer { condition.unlock() }
    while pending.isEmpty && !closing { condition.wait() }
    if pending.isEmpty { return nil }
    let count = min(pending.count, maxBatch)
    let batch = Array(pending.prefix(count))
    pending.removeFirst(count)
    return batch
  }
}
