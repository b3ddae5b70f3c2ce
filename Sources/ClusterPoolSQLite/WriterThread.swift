internal import Foundation
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The dedicated thread that owns the SQLite connection, as a `TaskExecutor`: the store core
/// runs its write loop with this executor as its preference, so every transaction's blocking
/// SQLite calls run here, never on an event loop or the Swift cooperative pool. Jobs run in
/// the order queued.
final class WriterThread: TaskExecutor, @unchecked Sendable {
  private let condition = NSCondition()
  private var jobs: [UnownedJob] = []  // guarded by `condition`
  private var stopping = false  // guarded by `condition`
  private var running = true  // guarded by `condition`
  private var thread: pthread_t?  // guarded by `condition`, set once the thread runs

  /// Starts the thread.
  init(name: String) {
    let thread = Thread { [self] in
      condition.lock()
      self.thread = pthread_self()
      condition.broadcast()
      condition.unlock()
      while let batch = nextJobs() {
        for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
      }
    }
    thread.name = name
    thread.start()
  }

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    condition.lock()
    if running {
      jobs.append(job)
      condition.signal()
      condition.unlock()
      return
    }
    condition.unlock()
    // the thread has ended: a late job (none is expected) still runs, on a thread of its own
    Thread.detachNewThread { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
  }

  /// Whether the caller runs on this thread (waits until the thread has started).
  var isCurrent: Bool {
    condition.lock()
    defer { condition.unlock() }
    while thread == nil { condition.wait() }
    return pthread_equal(thread!, pthread_self()) != 0
  }

  /// Ends the thread once the jobs queued so far have run. Does not wait.
  func stop() {
    condition.lock()
    stopping = true
    condition.broadcast()
    condition.unlock()
  }

  private func nextJobs() -> [UnownedJob]? {
    condition.lock()
    defer { condition.unlock() }
    while jobs.isEmpty && !stopping { condition.wait() }
    if jobs.isEmpty {
      running = false
      return nil
    }
    defer { jobs.removeAll(keepingCapacity: true) }
    return jobs
  }
}
