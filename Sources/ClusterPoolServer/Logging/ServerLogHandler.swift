public import Logging

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The server's log handler: every line of its log, in one of two formats, written through
/// a ``LogWriter`` (off the event loops).
///
/// - `text`: swift-log's `StreamLogHandler` format, `<time> <level> <label>: <key=value ...>
///   [<source>] <message>`, metadata sorted by key.
/// - `json`: one object per line with the stable keys `time` (UTC, RFC 3339 with
///   milliseconds), `level`, `logger` (the label), `message`, then the metadata's keys
///   (strings; nested values as their description). A metadata key equal to one of the four
///   is written as `meta.<key>`.
public struct ServerLogHandler: LogHandler {
  /// How lines are written.
  public enum Format: String, Sendable, CaseIterable {
    case text
    case json
  }

  public var logLevel: Logger.Level
  public var metadata: Logger.Metadata = [:]
  private let label: String
  private let format: Format
  private let writer: LogWriter

  public init(label: String, level: Logger.Level, format: Format, writer: LogWriter = .standardError) {
    self.label = label
    self.logLevel = level
    self.format = format
    self.writer = writer
  }

  public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  public func log(event: LogEvent) {
    var merged = metadata
    if let explicit = event.metadata { merged.merge(explicit) { $1 } }
    if let error = event.error { merged["error"] = "\(error)" }
    switch format {
    case .text: writer.write(textLine(event, merged))
    case .json: writer.write(jsonLine(event, merged))
    }
  }

  private func textLine(_ event: LogEvent, _ metadata: Logger.Metadata) -> String {
    let pretty = metadata.isEmpty
      ? "" : " " + metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    return "\(Self.localTimestamp()) \(event.level) \(label):\(pretty) [\(event.source)] \(event.message)\n"
  }

  private static let reserved: Set<String> = ["time", "level", "logger", "message"]

  private func jsonLine(_ event: LogEvent, _ metadata: Logger.Metadata) -> String {
    var line = "{\"time\":\"\(Self.utcTimestamp())\",\"level\":\"\(event.level)\",\"logger\":"
    JSONText.appendString(label, to: &line)
    line += ",\"message\":"
    JSONText.appendString(event.message.description, to: &line)
    for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
      line += ","
      JSONText.appendString(Self.reserved.contains(key) ? "meta.\(key)" : key, to: &line)
      line += ":"
      JSONText.appendString(value.description, to: &line)
    }
    line += "}\n"
    return line
  }

  /// Local time as `StreamLogHandler` writes it: `2026-12-07T03:10:00+0000`.
  static func localTimestamp() -> String {
    var now = time(nil)
    var parts = tm()
    localtime_r(&now, &parts)
    return format(&parts, "%Y-%m-%dT%H:%M:%S%z")
  }

  /// UTC with milliseconds: `2026-12-07T03:10:00.123Z`.
  static func utcTimestamp() -> String {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    var seconds = spec.tv_sec
    var parts = tm()
    gmtime_r(&seconds, &parts)
    let millis = Int(spec.tv_nsec) / 1_000_000
    let fraction = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
    return format(&parts, "%Y-%m-%dT%H:%M:%S") + ".\(fraction)Z"
  }

  private static func format(_ parts: inout tm, _ pattern: String) -> String {
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
      let count = strftime(buffer.baseAddress!, 64, pattern, &parts)
      return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress!, count: count), as: UTF8.self)
    }
  }
}

/// JSON string literals, for log lines.
enum JSONText {
  /// Appends `value` as a JSON string (quotes, backslashes and control characters escaped).
  static func appendString(_ value: String, to line: inout String) {
    line += "\""
    var plainStart = value.utf8.startIndex
    let utf8 = value.utf8
    var index = utf8.startIndex
    while index != utf8.endIndex {
      let byte = utf8[index]
      if byte == 0x22 || byte == 0x5C || byte < 0x20 {
        line += Substring(utf8[plainStart..<index])
        switch byte {
        case 0x22: line += "\\\""
        case 0x5C: line += "\\\\"
        case 0x0A: line += "\\n"
        case 0x0D: line += "\\r"
        case 0x09: line += "\\t"
        default:
          let hex = Array("0123456789abcdef")
          line += "\\u00" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0xF)])
        }
        plainStart = utf8.index(after: index)
      }
      index = utf8.index(after: index)
    }
    line += Substring(utf8[plainStart..<utf8.endIndex])
    line += "\""
  }
}
