#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The log's timestamps as bytes, made once per second: formatting the time (`localtime_r`,
/// `strftime`) for every access-log line cost more than the rest of the line. Each thread
/// keeps its own (``LogLine``), so a line's time costs one `clock_gettime` and no lock.
struct LogTimestamps {
  private var second = -1
  private var local: [UInt8] = []
  private var utcSecond = -1
  private var utcPrefix: [UInt8] = []

  /// Appends local time as the text format writes it (`2026-12-07T03:10:00+0000`).
  mutating func appendLocal(to bytes: inout [UInt8]) {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    let now = Int(spec.tv_sec)
    if now != second {
      local = Array(ServerLogHandler.localTimestamp().utf8)
      second = now
    }
    bytes.append(contentsOf: local)
  }

  /// Appends UTC with milliseconds, as the json format writes it (`2026-12-07T03:10:00.123Z`).
  mutating func appendUTC(to bytes: inout [UInt8]) {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    let now = Int(spec.tv_sec)
    if now != utcSecond {
      utcPrefix = Array(ServerLogHandler.utcTimestamp().utf8.prefix(19))
      utcSecond = now
    }
    bytes.append(contentsOf: utcPrefix)
    let millis = Int(spec.tv_nsec) / 1_000_000
    bytes.append(UInt8(ascii: "."))
    bytes.append(UInt8(truncatingIfNeeded: 0x30 + millis / 100))
    bytes.append(UInt8(truncatingIfNeeded: 0x30 + millis / 10 % 10))
    bytes.append(UInt8(truncatingIfNeeded: 0x30 + millis % 10))
    bytes.append(UInt8(ascii: "Z"))
  }
}
