#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The log's timestamps as bytes, made once per second: formatting the time (`localtime_r`,
/// `strftime`) for every access-log line cost more than the rest of the line. Each
/// ``LogLine`` keeps its own, so a line's time costs one `clock_gettime`.
struct LogTimestamps {
  private var second = -1
  private var local: [UInt8] = []
  private var utcSecond = -1
  private var utcPrefix: [UInt8] = []

  /// Local time as the text format writes it (`2026-12-07T03:10:00+0000`).
  mutating func localTime() -> [UInt8] {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    let now = Int(spec.tv_sec)
    if now != second {
      local = Array(ServerLogHandler.localTimestamp().utf8)
      second = now
    }
    return local
  }

  /// UTC to the second (`2026-12-07T03:10:00`) and the milliseconds, as the json format
  /// writes it (`2026-12-07T03:10:00.123Z`).
  mutating func utcTime() -> (prefix: [UInt8], millis: Int) {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    let now = Int(spec.tv_sec)
    if now != utcSecond {
      utcPrefix = Array(ServerLogHandler.utcTimestamp().utf8.prefix(19))
      utcSecond = now
    }
    return (utcPrefix, Int(spec.tv_nsec) / 1_000_000)
  }
}
