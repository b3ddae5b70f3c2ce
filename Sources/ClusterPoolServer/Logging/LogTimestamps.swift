internal import Synchronization

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The log's timestamps, made once per second and shared: formatting the time (`localtime_r`,
/// `strftime`) for every access-log line cost more than the rest of the line.
final class LogTimestamps: Sendable {
  private struct Cached {
    var second = -1
    var local = ""
    var utcSecond = -1
    var utcPrefix = ""
  }

  private let cached = Mutex(Cached())

  /// Local time as the text format writes it (`2026-12-07T03:10:00+0000`).
  func local() -> String {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    let second = Int(spec.tv_sec)
    if let hit = cached.withLock({ $0.second == second ? $0.local : nil }) { return hit }
    let made = ServerLogHandler.localTimestamp()
    cached.withLock {
      $0.second = second
      $0.local = made
    }
    return made
  }

  /// UTC with milliseconds, as the json format writes it (`2026-12-07T03:10:00.123Z`).
  func utc() -> String {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    let second = Int(spec.tv_sec)
    let millis = Int(spec.tv_nsec) / 1_000_000
    let fraction = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
    if let prefix = cached.withLock({ $0.utcSecond == second ? $0.utcPrefix : nil }) {
      return prefix + "." + fraction + "Z"
    }
    let full = ServerLogHandler.utcTimestamp()
    let prefix = String(full.prefix(19))
    cached.withLock {
      $0.utcSecond = second
      $0.utcPrefix = prefix
    }
    return prefix + "." + fraction + "Z"
  }
}
