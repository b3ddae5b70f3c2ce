/// A log line made as bytes in a buffer each thread reuses (``LogWriter/writeLine(_:)``): no
/// `String` per line, the time from the thread's per-second cache.
struct LogLine {
  /// The line so far.
  var bytes: [UInt8] = []
  var timestamps = LogTimestamps()

  /// Appends `text` as it is.
  mutating func append(_ text: String) {
    if text.utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) == nil {
      bytes.append(contentsOf: text.utf8)
    }
  }

  /// Appends a literal.
  mutating func append(_ text: StaticString) {
    text.withUTF8Buffer { bytes.append(contentsOf: $0) }
  }

  /// Appends `value` in decimal.
  mutating func append(decimal value: Int) {
    if value < 0 { bytes.append(UInt8(ascii: "-")) }
    var magnitude = value.magnitude
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
      var count = 0
      repeat {
        digits[19 - count] = UInt8(truncatingIfNeeded: 0x30 + magnitude % 10)
        magnitude /= 10
        count += 1
      } while magnitude > 0
      bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[(20 - count)...]))
    }
  }

  /// Appends `text` as a JSON string (quotes, backslashes and control characters escaped),
  /// as ``JSONText/appendString(_:to:)`` does.
  mutating func appendJSON(_ text: String) {
    bytes.append(UInt8(ascii: "\""))
    appendEscaped(text)
    bytes.append(UInt8(ascii: "\""))
  }

  /// Appends `text` escaped as in a JSON string, without the quotes.
  mutating func appendEscaped(_ text: String) {
    if text.utf8.withContiguousStorageIfAvailable({ appendEscaped($0) }) == nil {
      appendEscaped(Array(text.utf8))
    }
  }

  private mutating func appendEscaped(_ utf8: some Collection<UInt8>) {
    var plain = utf8.startIndex
    var index = utf8.startIndex
    while index != utf8.endIndex {
      let byte = utf8[index]
      if byte == 0x22 || byte == 0x5C || byte < 0x20 {
        bytes.append(contentsOf: utf8[plain..<index])
        switch byte {
        case 0x22: append("\\\"")
        case 0x5C: append("\\\\")
        case 0x0A: append("\\n")
        case 0x0D: append("\\r")
        case 0x09: append("\\t")
        default:
          let hex: StaticString = "0123456789abcdef"
          append("\\u00")
          hex.withUTF8Buffer { digits in
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0xF)])
          }
        }
        plain = utf8.index(after: index)
      }
      index = utf8.index(after: index)
    }
    bytes.append(contentsOf: utf8[plain..<utf8.endIndex])
  }

  /// Appends the local time as the text format writes it.
  mutating func appendLocalTime() { timestamps.appendLocal(to: &bytes) }

  /// Appends UTC with milliseconds, as the json format writes it.
  mutating func appendUTCTime() { timestamps.appendUTC(to: &bytes) }
}
