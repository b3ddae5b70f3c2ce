internal import Synchronization

/// Records what handlers observed, awaitable from tests.
public final class Probe: Sendable {
  private let seen = Mutex<[String]>([])
  private let counter = Mutex(0)

  public init() {}

  public func count() { counter.withLock { $0 += 1 } }
  public var counted: Int { counter.withLock { $0 } }

  public func record(_ event: String) { seen.withLock { $0.append(event) } }
  public var events: [String] { seen.withLock { $0 } }

  /// Waits (polling) until `event` was recorded, up to `timeout` (generous: a loaded machine
  /// may take seconds to schedule the handler that records it).
  public func wait(for event: String, timeout: Duration = .seconds(30)) async -> Bool {
    await eventually(timeout: timeout) { events.contains(event) }
  }

  /// Waits until the counter stopped moving: unchanged for `quiet`, judged within `timeout`.
  /// Returns the count it settled at, or `nil` when it kept moving until the timeout.
  public func settledCount(quiet: Duration = .seconds(2), timeout: Duration = .seconds(60)) async -> Int? {
    let clock = ContinuousClock()
    let end = clock.now + timeout
    var last = counted
    var since = clock.now
    while clock.now < end, !Task.isCancelled {
      try? await Task.sleep(for: .milliseconds(50))
      let now = counted
      if now != last {
        last = now
        since = clock.now
      } else if clock.now - since >= quiet {
        return now
      }
    }
    return nil
  }
}

/// Polls `condition` until it holds or `timeout` passes (or the task is cancelled).
public func eventually(timeout: Duration = .seconds(30), _ condition: () -> Bool) async -> Bool {
  let end = ContinuousClock.now + timeout
  while true {
    if condition() { return true }
    guard ContinuousClock.now < end, !Task.isCancelled else { return false }
    try? await Task.sleep(for: .milliseconds(10))
  }
}
